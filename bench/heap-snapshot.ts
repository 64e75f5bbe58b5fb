/**
 * What holds the live heap of workerd's isolate (issue 12, "Mark less"), from a heap snapshot saved by
 * the probe:
 *
 *   SNAPSHOT=1 SNAPSHOT_FILE=/tmp/h150.heapsnapshot ROOMS=150 taskset -c 0 npx tsx bench/profile-stalls.ts
 *   npx tsx bench/heap-snapshot.ts /tmp/h150.heapsnapshot [path depth, default 2]
 *
 * A mark-compact traces objects and their pointers, so every figure is bytes AND nodes. Dominator trees
 * say little here (the runtime's global handles reach most things by several paths), so ownership is
 * by reachability over strong edges: what only one room host reaches is that room's (attributed to the
 * host's fields, `depth` steps deep), what only one module-level binding of the bundle reaches is that
 * binding's (a scope-hoisted bundle is one module: its top-level consts are slots of one context).
 * Run it on a bundle that is not minified (`minify = false` in wrangler.toml) to read the names.
 */
import { readFileSync } from "node:fs";

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

type Tally = Map<string, { bytes: number; nodes: number }>;

function add(t: Tally, key: string, bytes: number): void {
  const e = t.get(key) ?? { bytes: 0, nodes: 0 };
  e.bytes += bytes;
  e.nodes += 1;
  t.set(key, e);
}

function top(t: Tally, n: number, per = 1): string[] {
  return [...t]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, n)
    .map(([k, v]) => `- ${(v.bytes / per).toFixed(0).padStart(7)} B ${(v.nodes / per).toFixed(per === 1 ? 0 : 1).padStart(6)} nodes  ${k}`);
}

export function heapReport(snap: RawSnapshot, depth = 2): string {
  const m = snap.snapshot.meta;
  const nw = m.node_fields.length;
  const ew = m.edge_fields.length;
  const N = snap.nodes;
  const E = snap.edges;
  const at = (a: ArrayLike<number>, i: number): number => a[i] ?? 0;
  const [iType, iName, iSize, iEdges] = ["type", "name", "self_size", "edge_count"].map((f) => m.node_fields.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ["type", "name_or_index", "to_node"].map((f) => m.edge_fields.indexOf(f)) as [number, number, number];
  const nTypes = m.node_types[0];
  const eTypes = m.edge_types[0];
  const WEAK = eTypes.indexOf("weak");
  const CONTEXT = eTypes.indexOf("context");
  const n = N.length / nw;
  const first = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) first[v + 1] = at(first, v) + at(N, v * nw + iEdges);
  const type = (v: number): string => nTypes[at(N, v * nw + iType)] ?? "?";
  const name = (v: number): string => snap.strings[at(N, v * nw + iName)] ?? "?";
  const size = (v: number): number => at(N, v * nw + iSize);
  const to = (e: number): number => at(E, e * ew + eTo) / nw;
  const edgeName = (e: number): string => {
    const t = eTypes[at(E, e * ew + eType)];
    return t === "element" || t === "hidden" ? "[]" : (snap.strings[at(E, e * ew + eName)] ?? "?");
  };
  const label = (v: number): string => `${name(v).slice(0, 24)}`;

  /** Breadth-first from each root over strong edges; per node: how many roots reach it, the last one, its path from that root. */
  const cover = (roots: readonly number[], stop: (v: number) => boolean, pathOf: number) => {
    const count = new Int32Array(n);
    const stamp = new Int32Array(n).fill(-1);
    const path: (string | undefined)[] = new Array(n);
    roots.forEach((r, i) => {
      if (stamp[r] === i) return;
      stamp[r] = i;
      count[r] = at(count, r) + 1;
      const queue = [r];
      const trail = new Map<number, string[]>([[r, []]]);
      for (let k = 0; k < queue.length; k++) {
        const v = queue[k] ?? 0;
        const pv = trail.get(v) ?? [];
        for (let e = at(first, v); e < at(first, v + 1); e++) {
          if (at(E, e * ew + eType) === WEAK) continue;
          const w = to(e);
          if (stamp[w] === i || stop(w)) continue;
          stamp[w] = i;
          count[w] = at(count, w) + 1;
          const pw = pv.length < pathOf ? [...pv, `${edgeName(e)}(${label(w)})`] : pv;
          if (i === 0) {
            trail.set(w, pw);
            path[w] = pw.join(".") || "(itself)";
          }
          queue.push(w);
        }
      }
    });
    return { count, stamp, path };
  };

  // Totals.
  let bytes = 0;
  let strings = 0;
  let code = 0;
  let large = 0;
  for (let v = 0; v < n; v++) {
    bytes += size(v);
    if (/string/.test(type(v))) strings += size(v);
    if (type(v) === "code") code += size(v);
    if (size(v) > 128 * 1024) large += size(v);
  }
  const mb = (b: number): string => (b / 1e6).toFixed(2);
  const out = [`${mb(bytes)} MB in ${n} nodes: strings ${mb(strings)} MB, code ${mb(code)} MB, objects over 128 KB (large-object space, never moved) ${mb(large)} MB.`];

  // Rooms: a room host is the object with a `core` property holding a RoomCore (workerd shows the
  // Durable Object instance as a native wrapper, not by class name).
  const hosts: number[] = [];
  for (let v = 0; v < n; v++) {
    if (type(v) === "closure" || name(v) === "system / Context") continue;
    // The host also holds `sockets`: the loop timer keeps a `core` field too while a tick is pending,
    // and counting it as a room would make every room's objects "reached by two" (nothing per room).
    let core = false;
    let sockets = false;
    for (let e = at(first, v); e < at(first, v + 1); e++) {
      if (edgeName(e) === "core" && name(to(e)) === "RoomCore") core = true;
      if (edgeName(e) === "sockets") sockets = true;
    }
    if (core && sockets) hosts.push(v);
  }
  if (hosts.length > 0) {
    const rooms = cover(hosts, () => false, depth);
    let ownBytes = 0;
    let ownNodes = 0;
    const firstRoom: Tally = new Map();
    const byType: Tally = new Map();
    for (let v = 0; v < n; v++) {
      if (at(rooms.count, v) !== 1) continue;
      ownBytes += size(v);
      ownNodes += 1;
      if (rooms.stamp[v] === 0) {
        add(firstRoom, rooms.path[v] ?? "(itself)", size(v));
        add(byType, `${type(v)}:${name(v).slice(0, 30)}`, size(v));
      }
    }
    out.push(
      `${hosts.length} rooms: reached by one room only ${mb(ownBytes)} MB in ${ownNodes} nodes (${(ownBytes / hosts.length).toFixed(0)} B, ${(ownNodes / hosts.length).toFixed(0)} nodes per room). The first room's, by field:`,
      ...top(firstRoom, 30),
      "The first room's, by type:",
      ...top(byType, 12),
    );
  }

  // Module-level bindings: the context with the most context slots is the bundle's module.
  let module = -1;
  let slots = 0;
  for (let v = 0; v < n; v++) {
    if (name(v) !== "system / Context") continue;
    let c = 0;
    for (let e = at(first, v); e < at(first, v + 1); e++) if (at(E, e * ew + eType) === CONTEXT) c++;
    if (c > slots) {
      slots = c;
      module = v;
    }
  }
  if (module >= 0) {
    const bindings: { name: string; node: number }[] = [];
    for (let e = at(first, module); e < at(first, module + 1); e++) if (at(E, e * ew + eType) === CONTEXT) bindings.push({ name: edgeName(e), node: to(e) });
    // Not through the module context itself, native contexts (the global) or code (functions' code leads to every script).
    const reach = cover(
      bindings.map((b) => b.node),
      (v) => v === module || name(v) === "system / NativeContext" || type(v) === "code",
      0,
    );
    const per: Tally = new Map();
    let shared = 0;
    let sharedNodes = 0;
    // Each node's last reaching binding is its stamp: exact for nodes only one binding reaches.
    for (let v = 0; v < n; v++) {
      const c = at(reach.count, v);
      if (c === 0) continue;
      if (c > 1) {
        shared += size(v);
        sharedNodes += 1;
      } else add(per, bindings[at(reach.stamp, v)]?.name ?? "?", size(v));
    }
    out.push(`Module-level bindings (${bindings.length}; reached by several: ${mb(shared)} MB in ${sharedNodes} nodes), what only one of them reaches:`, ...top(per, 30));
  }

  const bySize = Array.from({ length: n }, (_, v) => v)
    .filter((v) => /string/.test(type(v)))
    .sort((a, b) => size(b) - size(a));
  out.push("Largest strings:", ...bySize.slice(0, 8).map((v) => `- ${size(v)} B ${JSON.stringify(name(v).slice(0, 60))}`));
  return out.join("\n");
}

if (process.argv[1]?.endsWith("heap-snapshot.ts")) {
  const [file, depth] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: npx tsx bench/heap-snapshot.ts <file.heapsnapshot> [path depth]\n");
    process.exit(2);
  }
  process.stdout.write(`${heapReport(JSON.parse(readFileSync(file, "utf8")) as RawSnapshot, depth ? Number(depth) : 2)}\n`);
}
