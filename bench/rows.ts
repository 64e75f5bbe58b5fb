/**
 * Storage rows per active 4-player runner room-hour, from the I/O-free core (RoomStepper) with scripted
 * players that never miss, racing 90 s rounds back to back (rematch at once) for one simulated hour.
 *
 * Rows are derived per write the way RoomStorage writes them, with the per-statement counts SQLite
 * reported in workerd (cursor `rowsWritten`: an insert, an `INSERT OR REPLACE` and an upsert of one row
 * each count 1): the record row, one action-batch row when inputs or actions were applied since the
 * last write, and one journal-ring row per update. Alarm writes are the stepper's, which stores the
 * alarm by the host's rule. The SQLite-counted figure for a race minute is test/workers/storage-rows.test.ts.
 * Run: npx tsx bench/rows.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { runner } from "../src/games/runner";
import { RoomStepper } from "../src/testing/room-stepper";
import { carriedCount } from "../src/room/core/carried-log";
import { CHECKPOINT_MS, WATCHDOG_MS } from "../src/room/core/realtime-play";
import { sendScriptedInputs } from "../test/support/scripted-race";

const HOUR_MS = 3_600_000;
const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: 90 } }, { games: [runner] });
const conns = ["c0", "c1", "c2", "c3"];
conns.forEach((c, i) => r.connect(c, `p${i}`));
const ids = [0, 0, 0, 0];
let rows = 0;
let writes = 0;
let journalRows = 0;
let batchRows = 0;
let inputs = 0;
let rounds = 1;
let lastWrites = r.writes;
let lastActions = 0;
let lastSeq = r.core.record.seq;
const account = () => {
  if (r.writes === lastWrites) return;
  const w = r.writes - lastWrites;
  const newJournal = r.core.record.seq - lastSeq;
  // Entries written as batch rows (the rest ride inside the record: RoomRecord.pendingLog).
  const batched = r.actions.length - carriedCount(r.durable.pendingLog);
  const newBatch = batched > lastActions ? 1 : 0;
  writes += w;
  journalRows += newJournal;
  batchRows += newBatch;
  rows += w + newJournal + newBatch;
  lastWrites = r.writes;
  lastActions = batched;
  lastSeq = r.core.record.seq;
};
/** Alarm writes per 10 s window of the hour (the first window also holds the one set at the joins). */
const alarmWindows: number[] = [];
for (let t = 0; t < HOUR_MS; t += 50) {
  const rec = r.core.record;
  if (rec.status === "finished") {
    conns.forEach((c, i) => r.send(c, { t: "rematch", id: ++ids[i]! }));
    rounds++;
  } else if (rec.status === "playing") {
    inputs += sendScriptedInputs(r, conns, ids);
  }
  const alarmsBefore = r.alarmWrites;
  r.advance(50);
  const w = Math.floor(t / 10_000);
  alarmWindows[w] = (alarmWindows[w] ?? 0) + (r.alarmWrites - alarmsBefore);
  account();
}
// The stepper keeps the stored alarm by the host's rule (alarmNeedsWrite) and counts its writes.
const alarmWrites = r.alarmWrites;
const result = {
  measuredAt: new Date().toISOString(),
  load: "1 room, 4 scripted players, 90 s rounds back to back, 1 simulated hour (RoomStepper, no I/O)",
  checkpointMs: CHECKPOINT_MS,
  watchdogMs: WATCHDOG_MS,
  rounds,
  inputs,
  writes,
  rows: { total: rows, record: writes, actionBatches: batchRows, journal: journalRows },
  alarmWrites,
  rowsPlusAlarmWrites: rows + alarmWrites,
  goals: { rowsPerRoomHour: 2_500, alarmWritesPer10s: 1 },
  alarmWritesMaxPer10s: Math.max(...alarmWindows),
  met: { rows: rows <= 2_500, alarm: Math.max(...alarmWindows) <= 1 },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/rows-latest.json", JSON.stringify(result, null, 2) + "\n");
