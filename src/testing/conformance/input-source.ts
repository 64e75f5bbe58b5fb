/** Where the suite's inputs come from: the game's own generator, its AI, or samples of its inputSchema. */
import type { Rng } from "../../games/rng";
import type { Seat } from "../../games/types";
import type { Resolved } from "./options";
import { validSample } from "./random-values";

/** Some input for `seat` (not necessarily legal), or null when no source offers one. */
export function someInput(r: Resolved, state: unknown, seat: Seat, rng: Rng): unknown {
  if (r.inputs) return r.inputs(state, seat, rng);
  const ai = r.game.ai;
  const turn = r.game.turn(state);
  // The AI is only asked for the seat to move: that is when the room asks it.
  if (ai && r.aiLevel !== null && !r.game.realtime && turn === seat) return ai.choose(state, seat, r.aiLevel, rng.u32());
  return validSample(r.game.inputSchema, rng)?.value ?? null;
}

/** An input the game accepts from `seat` in `state`, or null after a few refused tries. */
export function legalInput(r: Resolved, state: unknown, seat: Seat, rng: Rng, tries = 12): unknown {
  for (let i = 0; i < tries; i++) {
    const input = someInput(r, state, seat, rng);
    if (input === null || !r.game.inputSchema.safeParse(input).success) continue;
    if (r.game.apply(state, input, { seat, by: "human" }).ok) return input;
  }
  return null;
}

/** A schema-valid input the game will most likely refuse (the rules, not the schema, must say no). */
export function noiseInput(r: Resolved, rng: Rng): unknown {
  return validSample(r.game.inputSchema, rng)?.value ?? null;
}
