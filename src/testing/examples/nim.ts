/**
 * Nim, the example game of docs/games.md: heaps of stones, two players take
 * turns removing any number of stones from one heap, and whoever takes the
 * last stone wins. Small enough to read in one sitting, complete enough to
 * host: options, seeded set-up, rules that refuse instead of throwing, an AI,
 * and plain-data state. test/unit/conformance.test.ts runs the conformance
 * suite on it, so the guide's example is known to work.
 */
import * as z from "zod";
import { Rng } from "../../games/rng";
import { defineGame, type ApplyOutcome, type MatchResult, type Seat } from "../../games/types";

/** Match options: how many heaps (default 3). Strict, so a misspelt option is refused at match creation. */
export const nimOptionsSchema = z.object({ heaps: z.number().int().min(1).max(6).optional() }).strict();
export type NimOptions = z.infer<typeof nimOptionsSchema>;

/** One move. The schema keeps absurd values out; the rules (not the schema) refuse an impossible take. */
export const nimInputSchema = z.object({ type: z.literal("take"), heap: z.number().int().min(0).max(9), count: z.number().int().min(1).max(99) }).strict();
export type NimInput = z.infer<typeof nimInputSchema>;

/** The whole state: plain data only, every field always present (msgpack drops `undefined`). */
export interface NimState {
  readonly heaps: readonly number[];
  readonly turn: Seat;
  readonly winner: Seat | null;
  readonly endReason: "win" | "timeout" | "forfeit" | "resign" | null;
}

/** Everything is public, so every seat and spectators see the same thing. */
export type NimView = NimState;

export type NimEvent =
  | { readonly type: "took"; readonly seat: Seat; readonly heap: number; readonly count: number }
  | { readonly type: "gameOver"; readonly winner: Seat; readonly reason: "win" | "timeout" | "forfeit" | "resign" };

function refuse(code: string, message: string): ApplyOutcome<NimState, NimEvent> {
  return { ok: false, code, message };
}

/** The perfect player's move: leave a heap position whose xor ("nim-sum") is zero, when there is one. */
function winningMove(heaps: readonly number[]): NimInput | null {
  const sum = heaps.reduce((a, b) => a ^ b, 0);
  if (sum === 0) return null;
  const heap = heaps.findIndex((h) => (h ^ sum) < h);
  const size = heaps[heap] ?? 0;
  return heap < 0 ? null : { type: "take", heap, count: size - (size ^ sum) };
}

export const nim = defineGame<NimState, NimInput, NimOptions, NimView, NimEvent>({
  id: "nim",
  title: "Nim",
  seats: { min: 2, max: 2 },
  kind: "turn-based",
  optionsSchema: nimOptionsSchema,
  inputSchema: nimInputSchema,
  timing: { turnMs: 20_000, graceMs: 30_000, heartbeatTimeoutMs: 15_000, pingIntervalMs: 5_000, aiThinkMs: 500, disconnectPolicy: "forfeit" },
  rateLimit: { burst: 20, perSecond: 5 },

  create(seed, options, _seatCount, firstSeat) {
    // All randomness comes from the seed, through the shared generator: the replay re-creates the same heaps.
    const rng = new Rng(seed);
    const heaps = Array.from({ length: options.heaps ?? 3 }, () => 1 + rng.int(7));
    return { heaps, turn: firstSeat, winner: null, endReason: null };
  },

  apply(state, input, { seat }) {
    if (state.endReason !== null) return refuse("MATCH_OVER", "The match is already over.");
    if (seat !== state.turn) return refuse("NOT_YOUR_TURN", `It is seat ${state.turn}'s turn.`);
    const size = state.heaps[input.heap];
    if (size === undefined) return refuse("NO_SUCH_HEAP", `There are only ${state.heaps.length} heaps.`);
    if (input.count > size) return refuse("TOO_MANY", `Heap ${input.heap} holds ${size} stones.`);
    // A new array and a new object: the state passed in is never changed.
    const heaps = state.heaps.map((h, i) => (i === input.heap ? h - input.count : h));
    const events: NimEvent[] = [{ type: "took", seat, heap: input.heap, count: input.count }];
    if (heaps.every((h) => h === 0)) {
      events.push({ type: "gameOver", winner: seat, reason: "win" });
      return { ok: true, state: { heaps, turn: seat, winner: seat, endReason: "win" }, events };
    }
    return { ok: true, state: { ...state, heaps, turn: 1 - seat }, events };
  },

  turn(state) {
    return state.endReason === null ? state.turn : null;
  },

  forfeit(state, seat, reason) {
    // Forfeiting a finished match changes nothing; it must not throw either.
    if (state.endReason !== null) return { state, events: [] };
    const winner = 1 - seat;
    return { state: { ...state, winner, endReason: reason }, events: [{ type: "gameOver", winner, reason }] };
  },

  result(state): MatchResult | null {
    return state.endReason === null ? null : { winner: state.winner, reason: state.endReason };
  },

  view(state) {
    return { ...state, heaps: state.heaps.slice() };
  },

  ai: {
    levels: ["easy", "medium", "hard"],
    choose(state, _seat, level, seed) {
      const perfect = level === "hard" || (level === "medium" && seed % 2 === 0);
      const best = perfect ? winningMove(state.heaps) : null;
      if (best) return best;
      // Otherwise any legal take, picked from the seed the room hands over (never Math.random).
      const rng = new Rng(seed);
      const open = state.heaps.flatMap((h, i) => (h > 0 ? [i] : []));
      const heap = open[rng.int(Math.max(open.length, 1))] ?? 0;
      return { type: "take", heap, count: 1 + rng.int(Math.max(state.heaps[heap] ?? 1, 1)) };
    },
  },
});
