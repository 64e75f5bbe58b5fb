/**
 * Runner players that never miss (the bench's brain), stepped by hand: exact and repeatable. Used by
 * the snapshot tests (a whole race) and by the stepped rows measurements (test/workers/storage-rows.test.ts,
 * bench/rows.ts).
 */
import { scriptedInput, step, type RunnerInput, type RunnerState } from "../../src/games/runner";
import type { RoomStepper as CoreStepper, StepperOutput } from "../../src/testing/room-stepper";
import { RoomStepper } from "./room-stepper";

/**
 * One snapshot interval of scripted play: each seat sends what `scriptedInput` says for every tick of
 * the next three, predicted with the game's own `step` (ids counted per seat in `ids`). Returns how
 * many inputs were sent.
 */
export function sendScriptedInputs(r: CoreStepper, conns: readonly string[], ids: number[]): number {
  let sent = 0;
  let state = r.core.record.game as RunnerState;
  for (let k = 0; k < 3; k++) {
    const batch: { seat: number; input: RunnerInput }[] = [];
    conns.forEach((conn, seat) => {
      const input = scriptedInput(state, seat);
      if (!input) return;
      ids[seat] = (ids[seat] ?? 0) + 1;
      r.send(conn, { t: "input", id: ids[seat], data: input });
      batch.push({ seat, input });
      sent++;
    });
    state = step(state, batch).state;
  }
  return sent;
}

/**
 * Seats c0..c{n-1} play scripted (sendScriptedInputs), the room advancing 50 ms after each interval,
 * until the match is over. `tap` sees every frame as delivered.
 */
export function scriptedRace(seats: number, durationSeconds: number, seed: number, tap: (out: StepperOutput) => void): { room: RoomStepper; seconds: number } {
  const r = new RoomStepper({ game: "runner", seats, options: { durationSeconds } }, seed);
  const conns = Array.from({ length: seats }, (_, i) => `c${i}`);
  r.tap(tap);
  conns.forEach((c, i) => r.connect(c, `p${i}`));
  const ids = conns.map(() => 0);
  const start = r.now;
  while (r.core.record.status === "playing") {
    sendScriptedInputs(r, conns, ids);
    r.advance(50);
  }
  return { room: r, seconds: (r.now - start) / 1000 };
}
