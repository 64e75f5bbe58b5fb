/**
 * The quantised frame: what a renderer needs, as a flat integer array with a
 * fixed layout for a given seat count (delta-snapshot friendly).
 *
 * Lengths are in centi-units (1 cu = 10 mu, truncated). Layout, for n seats:
 *
 *   [0]            tick
 *   [1]            speed, mu per tick
 *   [2]            phase: 0 countdown, 1 racing, 2 over
 *   [3 + 3i]       seat i: distance x, cu
 *   [4 + 3i]       seat i: height y, cu
 *   [5 + 3i]       seat i: flags, bit 0 standing, bit 1 ducking (on the ground),
 *                  bit 2 grounded, bit 3 duck button held
 *   [3 + 3n + 2k]  obstacle slot k (k < QUANT_OBSTACLE_SLOTS = 5): kind, 0 empty, 1 low, 2 high
 *   [4 + 3n + 2k]  obstacle slot k: left edge x, cu (absolute, so it stays put between frames)
 *
 * Length 3 + 3n + 10: 25 numbers for 4 seats. Obstacles are the ones not yet
 * passed by every standing runner; each sits in slot ⌊x_cu / 572⌋ mod 5 (the
 * next free slot after it, in course order, should that ever be taken), so an
 * obstacle is sent once when it appears and cleared once when passed, never
 * re-sent because others moved. Empty slots are [0, 0].
 */
import {
  COUNTDOWN_TICKS,
  OBSTACLE_SLOT_SPAN_CU,
  QUANT_OBSTACLE_SLOTS,
  QUANT_OBSTACLES,
  type ObstacleKind,
  type RunnerObstacle,
  type RunnerPlayer,
  type RunnerState,
} from "./constants";
import { isDucking } from "./physics";

export const QUANT_HEADER = 3;
export const QUANT_PER_SEAT = 3;
export const QUANT_PER_OBSTACLE = 2;
/** Milli-units per quantised length unit. */
export const QUANT_LENGTH = 10;

export const FLAG_STANDING = 1;
export const FLAG_DUCKING = 2;
export const FLAG_GROUNDED = 4;
export const FLAG_DUCK_HELD = 8;

export type RunnerPhase = "countdown" | "racing" | "over";
const PHASES: readonly RunnerPhase[] = ["countdown", "racing", "over"];
const KINDS: readonly (ObstacleKind | null)[] = [null, "low", "high"];

/** A decoded frame; lengths back in mu (multiples of QUANT_LENGTH). */
export interface RunnerFrame {
  readonly tick: number;
  readonly speed: number;
  readonly phase: RunnerPhase;
  readonly players: readonly {
    readonly x: number;
    readonly y: number;
    readonly standing: boolean;
    readonly ducking: boolean;
    readonly grounded: boolean;
    readonly duckHeld: boolean;
  }[];
  /** Occupied slots only, in course order. */
  readonly obstacles: readonly { readonly kind: ObstacleKind; readonly x: number }[];
}

export function quantizedLength(seatCount: number): number {
  return QUANT_HEADER + QUANT_PER_SEAT * seatCount + QUANT_PER_OBSTACLE * QUANT_OBSTACLE_SLOTS;
}

function q(mu: number): number {
  return Math.trunc(mu / QUANT_LENGTH);
}

export function phaseOf(state: RunnerState): RunnerPhase {
  return state.end !== null ? "over" : state.tick < COUNTDOWN_TICKS ? "countdown" : "racing";
}

/** The state as an unquantised frame (exact mu), limited to the obstacle slots. */
export function frameOf(state: RunnerState): RunnerFrame {
  return {
    tick: state.tick,
    speed: state.speed,
    phase: phaseOf(state),
    players: state.players.map((p) => ({
      x: p.x,
      y: p.y,
      standing: p.outAt === null,
      ducking: isDucking(p),
      grounded: p.y === 0,
      duckHeld: p.duck,
    })),
    obstacles: state.obstacles.slice(0, QUANT_OBSTACLES).map((o) => ({ kind: o.kind, x: o.x })),
  };
}

/**
 * `encodeFrame(frameOf(state))` written straight into one array of the exact length: the frame's
 * objects and the growing array cost ~1 KB per snapshot, this ~0.1 KB (issue 12). A new array every
 * call (callers may keep it); the room's snapshots use `quantizeReused` instead.
 */
export function quantize(state: RunnerState): number[] {
  return quantizeInto(new Array<number>(quantizedLength(state.players.length)), state);
}

/** One array per seat count, overwritten by every `quantizeReused` call. */
const reused: number[][] = [];

/**
 * `quantize` into the same array every call (one per seat count), overwritten by the next call: the
 * runner's `RealtimeSpec.quantize`, which the room copies at once (games/types.ts allows this), so a
 * snapshot allocates no array (issue 12: ~0.1 KB per room per snapshot, 0.36 MB/s at 150 rooms).
 */
export function quantizeReused(state: RunnerState): number[] {
  const seats = state.players.length;
  let out = reused[seats];
  if (out === undefined) {
    out = new Array<number>(quantizedLength(seats)).fill(0);
    reused[seats] = out;
  }
  return quantizeInto(out, state);
}

function quantizeInto(out: number[], state: RunnerState): number[] {
  const players = state.players;
  out[0] = state.tick;
  out[1] = state.speed;
  out[2] = PHASES.indexOf(phaseOf(state));
  for (let i = 0; i < players.length; i++) {
    const p = players[i] as RunnerPlayer;
    const base = QUANT_HEADER + QUANT_PER_SEAT * i;
    out[base] = q(p.x);
    out[base + 1] = q(p.y);
    out[base + 2] = playerFlags(p.outAt === null, isDucking(p), p.y === 0, p.duck);
  }
  const at = QUANT_HEADER + QUANT_PER_SEAT * players.length;
  for (let k = 0; k < QUANT_PER_OBSTACLE * QUANT_OBSTACLE_SLOTS; k++) out[at + k] = 0;
  const obstacles = state.obstacles;
  for (let k = 0; k < obstacles.length && k < QUANT_OBSTACLES; k++) {
    const o = obstacles[k] as RunnerObstacle;
    placeObstacle(out, at, o.kind, q(o.x));
  }
  return out;
}

function playerFlags(standing: boolean, ducking: boolean, grounded: boolean, duckHeld: boolean): number {
  return (standing ? FLAG_STANDING : 0) | (ducking ? FLAG_DUCKING : 0) | (grounded ? FLAG_GROUNDED : 0) | (duckHeld ? FLAG_DUCK_HELD : 0);
}

/** Put an obstacle in its slot (see the header) of the zeroed slots starting at `at`. */
function placeObstacle(out: number[], at: number, kind: ObstacleKind, qx: number): void {
  let slot = Math.floor(qx / OBSTACLE_SLOT_SPAN_CU) % QUANT_OBSTACLE_SLOTS;
  for (let probe = 0; probe < QUANT_OBSTACLE_SLOTS && out[at + QUANT_PER_OBSTACLE * slot] !== 0; probe++) slot = (slot + 1) % QUANT_OBSTACLE_SLOTS;
  out[at + QUANT_PER_OBSTACLE * slot] = kind === "low" ? 1 : 2;
  out[at + QUANT_PER_OBSTACLE * slot + 1] = qx;
}

/** Read a quantised frame back. Throws on a length that fits no seat count (1..4). */
export function decodeQuantized(frame: readonly number[]): RunnerFrame {
  const seats = (frame.length - quantizedLength(0)) / QUANT_PER_SEAT;
  if (!Number.isInteger(seats) || seats < 1 || seats > 4) throw new Error(`runner: bad quantised frame length ${frame.length}`);
  const at = (i: number): number => frame[i] ?? 0;
  const players: RunnerFrame["players"][number][] = [];
  for (let i = 0; i < seats; i++) {
    const base = QUANT_HEADER + QUANT_PER_SEAT * i;
    const flags = at(base + 2);
    players.push({
      x: at(base) * QUANT_LENGTH,
      y: at(base + 1) * QUANT_LENGTH,
      standing: (flags & FLAG_STANDING) !== 0,
      ducking: (flags & FLAG_DUCKING) !== 0,
      grounded: (flags & FLAG_GROUNDED) !== 0,
      duckHeld: (flags & FLAG_DUCK_HELD) !== 0,
    });
  }
  const obstacles: { kind: ObstacleKind; x: number }[] = [];
  for (let k = 0; k < QUANT_OBSTACLE_SLOTS; k++) {
    const base = QUANT_HEADER + QUANT_PER_SEAT * seats + QUANT_PER_OBSTACLE * k;
    const kind = KINDS[at(base)] ?? null;
    if (kind !== null) obstacles.push({ kind, x: at(base + 1) * QUANT_LENGTH });
  }
  obstacles.sort((a, b) => a.x - b.x);
  return { tick: at(0), speed: at(1), phase: PHASES[at(2)] ?? "racing", players, obstacles };
}

/**
 * Quantise a frame (lengths truncated to QUANT_LENGTH). The inverse of decodeQuantized:
 * `encodeFrame(decodeQuantized(a))` equals `a` for every quantised frame.
 */
export function encodeFrame(frame: RunnerFrame): number[] {
  const out: number[] = [frame.tick, frame.speed, PHASES.indexOf(frame.phase)];
  for (const p of frame.players) out.push(q(p.x), q(p.y), playerFlags(p.standing, p.ducking, p.grounded, p.duckHeld));
  const at = out.length;
  for (let k = 0; k < QUANT_OBSTACLE_SLOTS; k++) out.push(0, 0);
  for (const o of frame.obstacles.slice(0, QUANT_OBSTACLES)) placeObstacle(out, at, o.kind, q(o.x));
  return out;
}
