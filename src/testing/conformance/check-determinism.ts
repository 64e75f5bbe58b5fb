/**
 * (a) Determinism: the same seed and the same inputs give the same states,
 * events and state hashes. A walk is run twice from scratch (catching
 * Math.random, Date and module-level state), then its recorded steps are
 * re-applied to msgpack copies of the inputs (catching reliance on object
 * identity or on anything a round trip drops).
 */
import { stateHash } from "../../protocol";
import { seatsFor, type Resolved } from "./options";
import { deepEqual, msgpackCopy } from "./plain-data";
import { runStep, walk, type WalkStep } from "./walk";

export function checkDeterminism(r: Resolved): void {
  r.seeds.forEach((seed, i) => {
    const seats = seatsFor(r, i);
    const first = walk(r, seed, seats);
    const second = walk(r, seed, seats);
    const where = `seed ${seed}, ${seats} seats`;
    if (first.steps.length !== second.steps.length) throw new Error(`${where}: two walks from the same seed took ${first.steps.length} and ${second.steps.length} steps`);
    first.steps.forEach((step, k) => {
      if (!deepEqual(step, second.steps[k])) throw new Error(`${where}: step ${k} differs between two walks from the same seed (the input source or the state it saw is not deterministic)`);
      if (stateHash(first.states[k + 1]) !== stateHash(second.states[k + 1]) || !deepEqual(first.states[k + 1], second.states[k + 1])) {
        throw new Error(`${where}: state after step ${k} differs between two runs of the same inputs`);
      }
      if (!deepEqual(first.outcomes[k], second.outcomes[k])) throw new Error(`${where}: step ${k} returned different events or refusals on two runs`);
    });
    // Re-apply the recorded inputs, copied through msgpack, to a fresh round.
    let state = r.game.create(seed, msgpackCopy(r.gameOptions), seats, first.firstSeat);
    if (!deepEqual(state, first.states[0])) throw new Error(`${where}: create() gave two different states for the same seed`);
    first.steps.forEach((step, k) => {
      const copied = copyStep(step);
      const out = runStep(r, state, copied);
      state = out.state;
      if (stateHash(state) !== stateHash(first.states[k + 1])) throw new Error(`${where}: replaying step ${k} from copied inputs gives another state hash`);
      if (!deepEqual(out.outcome, first.outcomes[k])) throw new Error(`${where}: replaying step ${k} from copied inputs gives other events`);
    });
  });
}

function copyStep(step: WalkStep): WalkStep {
  if (step.kind === "input") return { ...step, input: msgpackCopy(step.input) };
  if (step.kind === "forfeit") return step;
  return { ...step, inputs: step.inputs.map((t) => ({ seat: t.seat, input: msgpackCopy(t.input) })) };
}
