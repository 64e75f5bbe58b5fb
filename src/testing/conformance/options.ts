/** What a game's conformance run may be told, and the defaults used when it is not. */
import type { Rng } from "../../games/rng";
import type { AnyGame, Seat } from "../../games/types";

export interface ConformanceOptions<S = any, I = any> {
  /** Match options (validated by the game's optionsSchema). Default {}. */
  readonly gameOptions?: Record<string, unknown>;
  /** Seeds per check (matches walked, matches played through the room). Default 24. */
  readonly seeds?: number;
  /** Longest walk: inputs of a turn-based game, ticks of a real-time one. Default 240 / 1200. */
  readonly maxSteps?: number;
  /** Seat counts to try. Default the game's minimum and its maximum (at most 4). */
  readonly seatCounts?: readonly number[];
  /**
   * A random input for `seat` in `state` (null: none now). Needed by real-time games, which have no
   * turns for the AI; otherwise the game's AI plays, or inputs are sampled from the inputSchema.
   */
  readonly inputs?: (state: S, seat: Seat, random: Rng) => I | null;
  /** The AI level used to pick inputs. Default the game's first (weakest, usually fastest). */
  readonly aiLevel?: string;
}

export interface Resolved {
  readonly game: AnyGame;
  readonly gameOptions: unknown;
  readonly rawOptions: Record<string, unknown>;
  readonly seeds: readonly number[];
  readonly maxSteps: number;
  readonly seatCounts: readonly number[];
  readonly inputs: ((state: unknown, seat: Seat, random: Rng) => unknown) | null;
  readonly aiLevel: string | null;
}

export function resolveOptions(game: AnyGame, o: ConformanceOptions): Resolved {
  const rawOptions = o.gameOptions ?? {};
  const parsed = game.optionsSchema.safeParse(rawOptions);
  if (!parsed.success) throw new Error(`conformance: ${game.id} refuses the gameOptions given: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const top = Math.min(game.seats.max, 4);
  const seeds = Array.from({ length: o.seeds ?? 24 }, (_, i) => (0x9e3779b9 * (i + 1)) >>> 0);
  return {
    game,
    gameOptions: parsed.data,
    rawOptions,
    seeds,
    maxSteps: o.maxSteps ?? (game.realtime ? 1200 : 240),
    seatCounts: o.seatCounts ?? [...new Set([game.seats.min, top])],
    inputs: o.inputs ?? null,
    aiLevel: o.aiLevel ?? game.ai?.levels[0] ?? null,
  };
}

/** The seat count to use for the i-th seed. */
export function seatsFor(r: Resolved, i: number): number {
  return r.seatCounts[i % r.seatCounts.length] ?? r.game.seats.min;
}
