/**
 * The capacity bench's turn-based phase alone (Connect Four ack and CPU, wake from hibernation per room
 * state, rebuild after a kill), on the committed code at HEAD, workerd pinned to CPU 1 like the full run:
 * `taskset -c 0 npx tsx bench/turn-based-probe.ts [wakeRooms=100] [c4Rooms=10]`. About 50 s. Prints the
 * phase's log (with the slowest wakes by their place in the sequence) and the figures as JSON.
 */
import { runTurnBased } from "./capacity/turn-based";

async function main(): Promise<void> {
  const wakeRooms = Number(process.argv[2] ?? 100);
  const rooms = Number(process.argv[3] ?? 10);
  const r = await runTurnBased(
    { rooms, thinkMs: 100, wakeRooms, idleSeconds: 15, stateBase: "/dev/shm", serverCpus: "1", gitRev: "HEAD" },
    (m) => console.log(new Date().toISOString().slice(11, 23), m),
  );
  console.log(JSON.stringify({ c4: r.c4.ackMs, wake: r.wake.map((w) => ({ state: w.state, evicted: w.evicted, wakeMs: w.wakeMs })), rebuild: r.rebuild, error: r.error }));
  process.exit(r.error === null ? 0 : 1);
}
void main();
