/**
 * The contract between the game-agnostic room runtime and a game.
 *
 * A game is a set of pure, deterministic functions over plain data: no `Date`,
 * no `Math.random`, no I/O. The room owns time, sockets, storage and seats; the
 * game owns rules. Because state is plain data (arrays, numbers, strings,
 * plain objects) it can be persisted with msgpack, replayed from the input
 * log, and re-simulated on the client for prediction.
 */
import type * as z from "zod";

/** Plain JSON-compatible data: what results and events may carry across RPC, msgpack and JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A seat index, 0-based. */
export type Seat = number;

/** Who produced an input: a connected human or the room's server-side AI. */
export type Actor = "human" | "ai";

/**
 * Who receives an event. Omitted: everyone in the room (every seat and the
 * spectators). `"seats"`: every seated player but no spectator. `"spectators"`:
 * spectators only. `{ seat }`: that one seat. `{ seats }`: those seats.
 * While a match runs, an event is delivered (live, in journal replays on
 * resume, over the HTTP fallback) only to its audience; once the match is
 * over the replay holds every event.
 */
export type Audience = "seats" | "spectators" | { readonly seat: Seat } | { readonly seats: readonly Seat[] };

/** Something that happened, sent to its audience (everyone when `to` is omitted). */
export interface GameEvent {
  readonly type: string;
  readonly to?: Audience;
  readonly [field: string]: unknown;
}

/** Why a match ended. Games produce "win" and "draw"; the room imposes the rest. */
export type EndReason = "win" | "draw" | "timeout" | "forfeit" | "resign" | "abandoned";

export interface MatchResult {
  /** The winning seat, or null for a draw / no winner. */
  readonly winner: Seat | null;
  readonly reason: EndReason;
  /** Seats ordered best first, when the game ranks everyone (ties share a rank by array order rule of the game). */
  readonly ranking?: Seat[];
  /** Game-specific detail, e.g. the winning line of Connect Four as [column, row] pairs. */
  readonly detail?: { [key: string]: JsonValue };
}

/** Result of applying an input: a new state and what happened, or a rule violation. */
export type ApplyOutcome<S, E extends GameEvent = GameEvent> =
  | { readonly ok: true; readonly state: S; readonly events: readonly E[] }
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface GameTiming {
  /** Default time a player has for one move (turn-based games), in ms. */
  readonly turnMs?: number;
  /** Default grace window after a seated player's connection drops, in ms. */
  readonly graceMs: number;
  /** A socket silent for this long (no ping, no frame) is declared dead, in ms. */
  readonly heartbeatTimeoutMs: number;
  /** Recommended client ping interval, in ms (sent to clients in `welcome`). */
  readonly pingIntervalMs: number;
  /** Delay before the server-side AI moves, in ms (so humans can follow it). */
  readonly aiThinkMs?: number;
  /** What a disconnection does: forfeit at grace expiry, pause the clocks, or keep the seat. */
  readonly disconnectPolicy: "forfeit" | "pause" | "keep-seat";
}

export interface GameRateLimit {
  /** Token bucket capacity: frames a connection may send in a burst. */
  readonly burst: number;
  /** Token bucket refill: sustained frames per second. */
  readonly perSecond: number;
}

export interface ApplyContext {
  readonly seat: Seat;
  readonly by: Actor;
}

/** One input to apply at a tick of a real-time game, in the order the room applies them. */
export interface TickInput<I> {
  readonly seat: Seat;
  readonly input: I;
}

/**
 * The extra contract of a real-time game: a fixed-timestep simulation the room
 * advances tick by tick, applying buffered inputs at their ticks.
 */
export interface RealtimeSpec<S, I, E extends GameEvent = GameEvent> {
  /** Simulation steps per second (e.g. 60). */
  readonly tickHz: number;
  /** Snapshots sent per second (e.g. 20); tickHz must be a multiple of it. */
  readonly snapshotHz: number;
  /** An input naming a past tick is applied at the next tick if it is at most this many ticks late, else rejected. */
  readonly lateWindowTicks: number;
  /** An input naming a tick further ahead than this is rejected. */
  readonly aheadWindowTicks: number;
  /** Inputs one seat may have applied per tick; more are rejected (a flood gains nothing). */
  readonly maxInputsPerTick: number;
  /** Longest the match lasts, in ticks (the game decides the result when it runs out). */
  readonly maxTicks: number;
  /** The tick a state is at (0 for a new round). */
  tick(state: S): number;
  /** The tick an input names (the client's simulation tick when it was made). */
  inputTick(input: I): number;
  /**
   * Advance exactly one tick, applying `inputs` at that tick. Pure; must not mutate `state`. The room
   * reuses the `inputs` list (not its entries) for the next step: read it, do not keep it.
   */
  step(state: S, inputs: readonly TickInput<I>[]): { state: S; events: readonly E[] };
  /**
   * The state quantised to a flat array of integers with a fixed layout for a
   * given seat count (what clients need to render), for delta snapshots. Like
   * `view`, it is what `viewer` (a seat, or null for spectators) may see; a game
   * without secrets ignores the viewer and the room encodes it once. Values are
   * integers within ±2^50. The wire sends only what linear extrapolation of the
   * last two snapshots misses (docs/protocol.md §14, Snapshots): a layout where
   * values stay put or move steadily, and where an entity keeps its slot while
   * it lives, costs least. The room copies the result before its next call, so a game may return the
   * same (overwritten) array every call and allocate none per tick.
   */
  quantize(state: S, viewer?: Seat | null): number[];
  /**
   * Event types a client derives from the snapshots alone (a countdown from the tick, a speed change
   * from the speed slot): the room neither sends nor journals them, so they cost no update, no write
   * and no journal row. They stay in `step`'s output (replays and tests still see them).
   */
  readonly derivedEvents?: readonly string[];
}

/**
 * A game. Type parameters: S state, I input, O match options (settings), V the
 * view a seat receives, E the events it emits. Build one with `defineGame` so
 * the types are inferred and flow to the room, the replay verifier and the
 * client SDK (`InputOf`, `ViewOf`, `EventOf`).
 */
export interface GameDefinition<S = unknown, I = unknown, O = unknown, V = unknown, E extends GameEvent = GameEvent> {
  /** Stable identifier used on the wire and in storage, e.g. "connect-four". */
  readonly id: string;
  readonly title: string;
  readonly seats: { readonly min: number; readonly max: number };
  readonly kind: "turn-based" | "real-time";
  /** Game-specific match options (validated at match creation). */
  readonly optionsSchema: z.ZodType<O>;
  /** Game-specific input payload (validated for every input frame). */
  readonly inputSchema: z.ZodType<I>;
  readonly timing: GameTiming;
  readonly rateLimit: GameRateLimit;
  /**
   * New round. `seed` is a 32-bit unsigned integer; `firstSeat` moves first in
   * turn-based games (the room alternates it on rematch).
   */
  create(seed: number, options: O, seatCount: number, firstSeat: Seat): S;
  /** Validate and apply one input. Must not mutate `state`. */
  apply(state: S, input: I, ctx: ApplyContext): ApplyOutcome<S, E>;
  /** Whose move it is, or null when nobody's (game over, or a simultaneous game). */
  turn(state: S): Seat | null;
  /** A seat loses by timeout, forfeit or resignation. Must not mutate `state`. */
  forfeit(state: S, seat: Seat, reason: "timeout" | "forfeit" | "resign"): { state: S; events: readonly E[] };
  /** The result once the game is over, else null. */
  result(state: S): MatchResult | null;
  /**
   * What a seat (or a spectator, `null`) may see of the state. Everything a
   * client receives about the state goes through this while the match runs.
   */
  view(state: S, seat: Seat | null): V;
  /**
   * Games with hidden information: each seat's secret while the match runs
   * (e.g. its dice). The room then withholds the state hash until the end (a
   * hash of a small secret can be brute-forced), and the conformance suite
   * checks that no frame to another seat or a spectator contains it.
   */
  secrets?(state: S): ReadonlyArray<{ readonly seat: Seat; readonly value: JsonValue }>;
  /** Present for real-time games: the fixed-timestep simulation. */
  readonly realtime?: RealtimeSpec<S, I, E>;
  /** Server-side AI, when the game has one. Deterministic for a given seed. */
  readonly ai?: {
    readonly levels: readonly string[];
    choose(state: S, seat: Seat, level: string, seed: number): I;
  };
}

/** A game whose type parameters have been erased, as held in the registry. */
export type AnyGame = GameDefinition<any, any, any, any, any>;

/** Define a game: returns its argument, with every type parameter inferred from it. */
export function defineGame<S, I, O, V, E extends GameEvent = GameEvent>(game: GameDefinition<S, I, O, V, E>): GameDefinition<S, I, O, V, E> {
  return game;
}

/** The input type of a game (what `send` takes on the client); `unknown` when G is not a game. */
export type InputOf<G> = G extends GameDefinition<any, infer I, any, any, any> ? I : unknown;
/** The view type of a game (what a seat receives as `room.view`); `unknown` when G is not a game. */
export type ViewOf<G> = G extends GameDefinition<any, any, any, infer V, any> ? V : unknown;
/** The event type of a game; any event when G is not a game. */
export type EventOf<G> = G extends GameDefinition<any, any, any, any, infer E> ? E : GameEvent;
/** The match options type of a game. */
export type OptionsOf<G> = G extends GameDefinition<any, any, infer O, any, any> ? O : never;
/** The state type of a game. */
export type StateOf<G> = G extends GameDefinition<infer S, any, any, any, any> ? S : never;
