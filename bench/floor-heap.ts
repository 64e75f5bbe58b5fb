/**
 * The floor's minimal rooms (bench/capacity/floor.ts's traffic) under workerd's inspector: allocation
 * rate, collections and what allocates, with the floor's compatibility settings or Edgeroom's
 * (FLAGS=edgeroom: compatibility_date 2026-04-20, nodejs_compat), to tell the runtime's share of the
 * garbage from the project's. FRAME picks what the loop sends: the floor's one constant 8-byte array
 * (const), a new 100- or 8-byte array per tick (fresh, fresh8), its ArrayBuffer (buffer), a view of a
 * long-lived 1 MiB buffer (ring), a copy (copy), a 100-character string (text), or nothing at all (none: the loop runs, nothing is sent). workerd is pinned to CPU 1 (run this under
 * `taskset -c 0`). JUNK=n adds n small objects of garbage per tick (a chain, dead after the tick).
 * Usage: ROOMS=150 SECONDS=10 [FLAGS=edgeroom] [FRAME=fresh] [JUNK=n] npx tsx bench/floor-heap.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import WebSocket from "ws";
import { freePort } from "../test/support/wrangler-dev";
import { heapSummary, pollHeap, sampleAllocations } from "./alloc-profile";
import { floorScript } from "./capacity/floor";
import { findServerTree } from "./proc";

const rooms = Number(process.env["ROOMS"] ?? 150);
const seconds = Number(process.env["SECONDS"] ?? 10);
const edgeroomFlags = process.env["FLAGS"] === "edgeroom";
// What the loop sends (see the header).
const mode = process.env["FRAME"] ?? "const";
// JUNK=n: each tick also allocates n small short-lived objects (~40 B each), as a room's own per-tick garbage.
const junk = Number(process.env["JUNK"] ?? 0);
const FRAME_EXPR: Record<string, string> = {
  const: "FRAME",
  fresh: "new Uint8Array(100).fill(this.next & 255)",
  fresh8: "new Uint8Array(8).fill(this.next & 255)",
  buffer: "new Uint8Array(100).fill(this.next & 255).buffer",
  ring: "ringFrame(100, this.next & 255)",
  copy: "copyOf(new Uint8Array(100).fill(this.next & 255))",
  none: "null",
  text: "String(this.next).padEnd(100, \"x\")",
};
// The ring buffer and copy helpers some FRAME modes call.
const PRELUDE = `
const RING = new Uint8Array(1 << 20);
let ringAt = 0;
function ringFrame(n, v) {
  if (ringAt + n > RING.length) ringAt = 0;
  const view = RING.subarray(ringAt, ringAt + n);
  ringAt += n;
  view.fill(v);
  return view;
}
function copyOf(bytes) {
  return bytes.slice();
}
`;
const SCRIPT = floorScript({ prelude: PRELUDE, frame: FRAME_EXPR[mode] ?? "FRAME", junkPerTick: junk });

const dir = mkdtempSync(join("/dev/shm", "floor-heap-"));
const inspectorPort = await freePort();
const mf = new Miniflare({
  modules: [{ type: "ESModule", path: "index.mjs", contents: SCRIPT }],
  compatibilityDate: edgeroomFlags ? "2026-04-20" : "2025-09-01",
  compatibilityFlags: edgeroomFlags ? ["nodejs_compat", "no_web_socket_compression"] : [],
  durableObjects: { ROOM: { className: "Room", useSQLite: true } },
  durableObjectsPersist: join(dir, "do"),
  unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  inspectorPort,
  log: new Log(LogLevel.WARN),
});
const clients: WebSocket[] = [];
try {
  await mf.ready;
  const base = (await mf.unsafeGetDirectURL()).origin.replace(/^http/, "ws");
  // Pinned like the bench's servers (one core for workerd, all its threads).
  for (const pid of findServerTree(process.pid).workerd) execFileSync("taskset", ["-a", "-p", "-c", "1", String(pid)], { stdio: "ignore" });
  for (let r = 0; r < rooms; r++)
    for (let s = 0; s < 4; s++) {
      const ws = new WebSocket(`${base}/?room=${r}`, { perMessageDeflate: false });
      await new Promise<void>((ok, fail) => {
        ws.once("open", () => ok());
        ws.once("error", fail);
      });
      clients.push(ws);
    }
  const payload = Buffer.alloc(12, 1);
  let slice = 0;
  const timer = setInterval(() => {
    for (let i = slice; i < clients.length; i += 15) clients[i]?.send(payload);
    slice = (slice + 1) % 15;
  }, 50);
  await new Promise((r) => setTimeout(r, 3000));
  const h = await pollHeap(inspectorPort, seconds * 1000, 10);
  console.log(`flags ${edgeroomFlags ? "edgeroom" : "floor"}, frame ${mode}, ${rooms} rooms: ${heapSummary(h)}`);
  const a = await sampleAllocations(inspectorPort, seconds * 1000, { mode: "all" });
  console.log(`sampled ${(a.totalBytes / 1e6 / seconds).toFixed(1)} MB/s: ${a.rows.slice(0, 8).map((r) => `${r.fn} ${(r.bytes / 1e6).toFixed(1)}`).join("; ")}`);
  clearInterval(timer);
} finally {
  for (const ws of clients) ws.terminate();
  await mf.dispose();
  rmSync(dir, { recursive: true, force: true });
}
