/** A runner race played to the end by scripted bots (the bench's brain), stepped by hand: exact and repeatable. */
import { scriptedInput, step, type RunnerInput, type RunnerState } from "../../src/games/runner";
import type { StepperOutput } from "../../src/testing/room-stepper";
import { RoomStepper } from "./room-stepper";

/**
 * Seats c0..c{n-1} each send what `scriptedInput` says for every tick of the next snapshot interval,
 * then the room advances 50 ms; until the match is over. `tap` sees every frame as delivered.
 */
export function scriptedRace(seats: number, durationSeconds: number, seed: number, tap: (out: StepperOutput) => void): { room: RoomStepper; seconds: number } {
  const r = new RoomStepper({ game: "runner", seats, options: { durationSeconds } }, seed);
  const conns = Array.from({ length: seats }, (_, i) => `c${i}`);
  r.tap(tap);
  conns.forEach((c, i) => r.connect(c, `p${i}`));
  const ids = conns.map(() => 0);
  const start = r.now;
  while (r.core.record.status === "playing") {
    let state = r.core.record.game as RunnerState;
    for (let k = 0; k < 3; k++) {
      const inputs: { seat: number; input: RunnerInput }[] = [];
      conns.forEach((conn, seat) => {
        const input = scriptedInput(state, seat);
        if (!input) return;
        ids[seat] = (ids[seat] ?? 0) + 1;
        r.send(conn, { t: "input", id: ids[seat] ?? 1, data: input });
        inputs.push({ seat, input });
      });
      state = step(state, inputs).state;
    }
    r.advance(50);
  }
  return { room: r, seconds: (r.now - start) / 1000 };
}
