/**
 * A room's live heap by part, averaged over every room of a heap snapshot written by
 * `node --expose-gc --import tsx bench/capacity/heap.ts <rooms> <raceSeconds> --snapshot=<file>`:
 *
 *   npx tsx bench/capacity/heap-parts.ts <file> [depth, default 3]
 *
 * Counts what exactly one room reaches over strong edges (as bench/heap-snapshot.ts does), attributed to
 * the path of fields (`[]` for elements) from the room's `core`, `depth` steps deep, and prints a
 * markdown table per room: bytes, objects (nodes: what a full collection marks) and heap numbers.
 * bench/heap-snapshot.ts shows the first room only; this averages all of them.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";

const Snapshot = z.object({
  snapshot: z.object({
    meta: z.object({
      node_fields: z.array(z.string()),
      node_types: z.tuple([z.array(z.string())]).rest(z.unknown()),
      edge_fields: z.array(z.string()),
      edge_types: z.tuple([z.array(z.string())]).rest(z.unknown()),
    }),
  }),
  nodes: z.array(z.number()),
  edges: z.array(z.number()),
  strings: z.array(z.string()),
});

export function heapParts(raw: unknown, depth: number): string {
  const snap = Snapshot.parse(raw);
  const m = snap.snapshot.meta;
  const nw = m.node_fields.length;
  const ew = m.edge_fields.length;
  const N = snap.nodes;
  const E = snap.edges;
  const at = (a: readonly number[], i: number): number => a[i] ?? 0;
  const [iType, iName, iSize, iEdges] = ["type", "name", "self_size", "edge_count"].map((f) => m.node_fields.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ["type", "name_or_index", "to_node"].map((f) => m.edge_fields.indexOf(f)) as [number, number, number];
  const nTypes = m.node_types[0];
  const eTypes = m.edge_types[0];
  const WEAK = eTypes.indexOf("weak");
  const n = N.length / nw;
  const first = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) first[v + 1] = (first[v] ?? 0) + at(N, v * nw + iEdges);
  const name = (v: number): string => snap.strings[at(N, v * nw + iName)] ?? "?";
  const type = (v: number): string => nTypes[at(N, v * nw + iType)] ?? "?";
  const size = (v: number): number => at(N, v * nw + iSize);
  const to = (e: number): number => at(E, e * ew + eTo) / nw;
  const edgeName = (e: number): string => {
    const t = eTypes[at(E, e * ew + eType)];
    return t === "element" || t === "hidden" ? "[]" : (snap.strings[at(E, e * ew + eName)] ?? "?");
  };
  // A room is an object whose `core` is a RoomCore (heap.ts keeps each as `{ core }`).
  const hosts: number[] = [];
  for (let v = 0; v < n; v++) {
    if (type(v) === "closure") continue;
    for (let e = first[v] ?? 0; e < (first[v + 1] ?? 0); e++) {
      if (edgeName(e) === "core" && name(to(e)) === "RoomCore") {
        hosts.push(v);
        break;
      }
    }
  }
  const count = new Int32Array(n);
  const stamp = new Int32Array(n).fill(-1);
  const path: string[] = new Array<string>(n).fill("");
  const level = new Int32Array(n);
  hosts.forEach((r, i) => {
    stamp[r] = i;
    count[r] = (count[r] ?? 0) + 1;
    path[r] = "(room)";
    level[r] = 0;
    const queue = [r];
    for (let k = 0; k < queue.length; k++) {
      const v = queue[k] ?? 0;
      const d = level[v] ?? 0;
      for (let e = first[v] ?? 0; e < (first[v + 1] ?? 0); e++) {
        if (at(E, e * ew + eType) === WEAK) continue;
        const w = to(e);
        if (stamp[w] === i) continue;
        stamp[w] = i;
        count[w] = (count[w] ?? 0) + 1;
        const pv = path[v] ?? "";
        path[w] = d < depth ? (pv === "(room)" ? edgeName(e) : `${pv}.${edgeName(e)}`) : pv;
        level[w] = d + 1;
        queue.push(w);
      }
    }
  });
  const parts = new Map<string, { bytes: number; nodes: number; numbers: number }>();
  let bytes = 0;
  let nodes = 0;
  for (let v = 0; v < n; v++) {
    if (count[v] !== 1) continue;
    const key = path[v] ?? "?";
    const p = parts.get(key) ?? { bytes: 0, nodes: 0, numbers: 0 };
    p.bytes += size(v);
    p.nodes += 1;
    if (type(v) === "number") p.numbers += 1;
    parts.set(key, p);
    bytes += size(v);
    nodes += 1;
  }
  const R = Math.max(1, hosts.length);
  const rows = [...parts].sort((a, b) => b[1].bytes - a[1].bytes).map(([k, p]) => `| ${k} | ${(p.bytes / R).toFixed(0)} | ${(p.nodes / R).toFixed(1)} | ${(p.numbers / R).toFixed(1)} |`);
  return [`${hosts.length} rooms: ${(bytes / R).toFixed(0)} B and ${(nodes / R).toFixed(1)} objects per room reached by that room only.`, "", "| part | bytes | objects | heap numbers |", "|---|---|---|---|", ...rows].join("\n");
}

if (process.argv[1]?.endsWith("heap-parts.ts")) {
  const [file, depth] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: npx tsx bench/capacity/heap-parts.ts <file.heapsnapshot> [depth]\n");
    process.exit(2);
  }
  process.stdout.write(`${heapParts(JSON.parse(readFileSync(file, "utf8")), depth ? Number(depth) : 3)}\n`);
}
