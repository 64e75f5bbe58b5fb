/**
 * Where the first wake of a hibernated room goes, against the wakes after it (issue 12, the wake tail):
 * N Connect Four rooms WAITING for their second player (creator connected, pinging) on the working
 * tree's worker, idle until workerd hibernates them; then a CPU profile (50 µs sampling, workerd's
 * inspector) of the first room's `sync`, and one of the next N − 1 rooms' `sync`s.
 *
 *   taskset -c 0 npx tsx bench/wake-profile.ts [rooms=12] [waiting|finished]
 *
 * (`finished`: both players connected, the match ended by a resignation, as in the bench's wake figure.)
 *
 * Prints the wall time of each wake and self/inclusive time by function: first wake vs the mean of the others.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Api } from "../test/support/api";
import { freePort } from "../test/support/wrangler-dev";
import { startWorker } from "../test/support/worker-server";
import { C4Player, openC4 } from "./capacity/c4-player";
import { connectProfiler, selfTimes, totalTimes } from "./cpu-profile";
import { sleep } from "./rooms";

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 12);
  const finished = process.argv[3] === "finished";
  const inspectorPort = await freePort();
  const state = mkdtempSync(join("/dev/shm", "edgeroom-wakeprof-"));
  const server = await startWorker({ direct: true, inspectorPort, vars: { ALLOW_GUESTS: "true" }, persistDir: state, cpus: "1" });
  const players: C4Player[] = [];
  const extra: C4Player[] = [];
  try {
    const api = new Api((u, i) => fetch(u, i), server.base);
    for (let i = 0; i < n; i++) {
      const g = await api.guest(`wake${i}`);
      if (finished) {
        const room = await openC4(api, g, await api.guest(`other${i}`));
        const [first, second] = room.players;
        if (!first || !second || !(await first.resign())) throw new Error("the match did not end on a resignation");
        players.push(first);
        extra.push(second);
        continue;
      }
      const matchId = await api.createMatch(g.token, { game: "connect-four", seats: 2 });
      players.push(await C4Player.connect((await api.ticket(g.token, matchId)).url));
    }
    for (const p of players) await p.sync();
    await sleep(16_000);
    const first = await connectProfiler(inspectorPort, 50);
    await first.start();
    const firstMs = await players[0]?.sync();
    const a = await first.stop("/tmp/wake-first.cpuprofile");
    const rest = await connectProfiler(inspectorPort, 50);
    await rest.start();
    const restMs: number[] = [];
    for (const p of players.slice(1)) restMs.push((await p.sync()) ?? NaN);
    const b = await rest.stop("/tmp/wake-rest.cpuprofile");
    console.log(`first wake ${firstMs?.toFixed(2)} ms; the others ${restMs.map((m) => m.toFixed(2)).join(" ")}`);
    const sa = selfTimes(a);
    const sb = selfTimes(b);
    const k = n - 1;
    console.log(`profiled: first ${sa.totalMs.toFixed(2)} ms, others ${(sb.totalMs / k).toFixed(2)} ms each (mean)`);
    const other = new Map(sb.rows.map((r) => [r.fn, r.ms / k]));
    console.log("self time, first wake vs mean of the others (ms):");
    for (const r of sa.rows.slice(0, 25)) console.log(`  ${r.ms.toFixed(2)}  ${(other.get(r.fn) ?? 0).toFixed(2)}  ${r.fn}`);
    const otherTotal = new Map(totalTimes(b).map((r) => [r.fn, r.ms / k]));
    console.log("inclusive, first wake vs mean of the others (ms):");
    for (const r of totalTimes(a).slice(0, 40)) console.log(`  ${r.ms.toFixed(2)}  ${(otherTotal.get(r.fn) ?? 0).toFixed(2)}  ${r.fn}`);
  } finally {
    for (const p of [...players, ...extra]) p.close();
    await server.stop();
    rmSync(state, { recursive: true, force: true });
  }
}
void main();
