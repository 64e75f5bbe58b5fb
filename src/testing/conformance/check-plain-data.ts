/**
 * (e) Plain data and purity: every state, view, event, result and secret the
 * walks reach survives msgpack and JSON exactly, and no game function
 * (view, result, turn, secrets, quantize, and apply/forfeit on refusals and
 * successes alike) mutates the state it is given.
 */
import { Rng } from "../../games/rng";
import type { Seat } from "../../games/types";
import { seatsFor, type Resolved } from "./options";
import { noiseInput, someInput } from "./input-source";
import { deepEqual, msgpackCopy, roundTripProblem } from "./plain-data";
import { walk } from "./walk";

export function checkPlainData(r: Resolved): void {
  const g = r.game;
  r.seeds.forEach((seed, i) => {
    const seats = seatsFor(r, i);
    const rng = new Rng(seed ^ 0xe);
    const viewers: (Seat | null)[] = [null, ...Array.from({ length: seats }, (_, s) => s)];
    let visited = 0;
    walk(r, seed, seats, (state) => {
      // Every state of short walks, every 7th of long ones: plenty, and keeps real-time walks quick.
      if (visited++ % (g.realtime ? 7 : 1) !== 0) return;
      const where = `seed ${seed}, ${seats} seats, state ${visited - 1}`;
      expectPlain(state, `${where}: the state`);
      const before = msgpackCopy(state);
      for (const v of viewers) expectPlain(g.view(state, v), `${where}: view for ${v === null ? "a spectator" : `seat ${v}`}`);
      expectPlain(g.result(state), `${where}: result`);
      expectPlain(g.turn(state), `${where}: turn`);
      if (g.secrets) expectPlain(g.secrets(state), `${where}: secrets`);
      if (g.realtime) for (const v of viewers) expectInts(g.realtime.quantize(state, v), `${where}: quantize for ${v}`);
      for (let seat = 0; seat < seats; seat++) {
        const input = rng.int(2) === 0 ? someInput(r, state, seat, rng) : noiseInput(r, rng);
        if (input !== null && g.inputSchema.safeParse(input).success) {
          const out = g.apply(state, input, { seat, by: "human" });
          expectPlain(out.ok ? { state: out.state, events: out.events } : out, `${where}: apply by seat ${seat}`);
        }
      }
      if (g.result(state) === null) expectPlain(g.forfeit(state, rng.int(seats), "forfeit"), `${where}: forfeit`);
      if (!deepEqual(state, before)) throw new Error(`${where}: view, result, turn, secrets, quantize, apply or forfeit mutated the state it was given`);
    });
  });
}

function expectPlain(value: unknown, what: string): void {
  const problem = roundTripProblem(value);
  if (problem) throw new Error(`${what} is not plain data: ${problem}`);
}

function expectInts(value: readonly number[], what: string): void {
  // Within ±2^50: the binary snapshot's zigzag residuals (up to 4× a value) stay exact (docs/protocol.md §14, Snapshots).
  if (!Array.isArray(value) || !value.every((n) => Number.isInteger(n) && Math.abs(n) <= 2 ** 50)) throw new Error(`${what} is not an array of integers within ±2^50`);
}
