/**
 * The Colyseus room state: a @colyseus/schema tree that mirrors the shared
 * simulation's state after every tick, synchronised by Colyseus's own
 * patching (it sends only the fields that changed since the last patch).
 *
 * The fields carry what Edgeroom's quantised snapshot carries, at the same
 * resolution (lengths in centi-units, flags), so both systems deliver the same
 * information: tick, speed, phase, per seat x / y / standing / ducking /
 * grounded / duck held, and five obstacle slots (kind 0 = empty; an obstacle keeps its slot, as in the quantised frame). Numbers use
 * Schema's "number" type (variable-length, as in Colyseus's examples);
 * booleans and small enums use "boolean" / "uint8".
 *
 * Defined with `schema({...})` (Schema 3's decorator-free definition), so no
 * TypeScript decorator settings are needed.
 */
import { ArraySchema, schema, type SchemaType } from "@colyseus/schema";
import { encodeFrame, frameOf, QUANT_OBSTACLE_SLOTS, type RunnerPhase, type RunnerState } from "../../../src/games/runner";

const QUANT_LENGTH = 10;
const PHASES: readonly RunnerPhase[] = ["countdown", "racing", "over"];

export const PlayerSchema = schema(
  {
    x: "number",
    y: "number",
    standing: "boolean",
    ducking: "boolean",
    grounded: "boolean",
    duckHeld: "boolean",
  },
  "Player",
);
export type PlayerSchema = SchemaType<typeof PlayerSchema>;

export const ObstacleSchema = schema(
  {
    /** 0 empty, 1 low, 2 high (Edgeroom's frame encoding). */
    kind: "uint8",
    x: "number",
  },
  "Obstacle",
);
export type ObstacleSchema = SchemaType<typeof ObstacleSchema>;

export const RunnerRoomState = schema(
  {
    tick: "number",
    speed: "number",
    /** 0 countdown, 1 racing, 2 over. */
    phase: "uint8",
    players: [PlayerSchema],
    obstacles: [ObstacleSchema],
  },
  "RunnerRoomState",
);
export type RunnerRoomState = SchemaType<typeof RunnerRoomState>;

/** A new state tree with `seats` players and the fixed obstacle slots. */
export function createRoomState(seats: number): RunnerRoomState {
  const s = new RunnerRoomState();
  s.tick = 0;
  s.speed = 0;
  s.phase = 0;
  s.players = new ArraySchema<PlayerSchema>();
  s.obstacles = new ArraySchema<ObstacleSchema>();
  for (let i = 0; i < seats; i++) {
    const p = new PlayerSchema();
    p.x = 0;
    p.y = 0;
    p.standing = true;
    p.ducking = false;
    p.grounded = true;
    p.duckHeld = false;
    s.players.push(p);
  }
  for (let k = 0; k < QUANT_OBSTACLE_SLOTS; k++) {
    const o = new ObstacleSchema();
    o.kind = 0;
    o.x = 0;
    s.obstacles.push(o);
  }
  return s;
}

/**
 * Copy the simulation state into the schema (called after every tick). Assigning an unchanged value
 * is a no-op for Schema, so only real changes reach the next patch.
 */
export function mirrorState(state: RunnerState, s: RunnerRoomState): void {
  const q = encodeFrame(frameOf(state));
  s.tick = q[0] ?? 0;
  s.speed = q[1] ?? 0;
  s.phase = q[2] ?? 0;
  const seats = state.players.length;
  for (let i = 0; i < seats; i++) {
    const p = s.players[i];
    if (!p) continue;
    const base = 3 + 3 * i;
    const flags = q[base + 2] ?? 0;
    p.x = q[base] ?? 0;
    p.y = q[base + 1] ?? 0;
    p.standing = (flags & 1) !== 0;
    p.ducking = (flags & 2) !== 0;
    p.grounded = (flags & 4) !== 0;
    p.duckHeld = (flags & 8) !== 0;
  }
  for (let k = 0; k < QUANT_OBSTACLE_SLOTS; k++) {
    const o = s.obstacles[k];
    if (!o) continue;
    const base = 3 + 3 * seats + 2 * k;
    o.kind = q[base] ?? 0;
    o.x = q[base + 1] ?? 0;
  }
}

/** The plain shape a client reads (the decoded schema instance, or a JSON copy of it). */
export interface RoomStateView {
  readonly tick: number;
  readonly speed: number;
  readonly phase: number;
  readonly players: ArrayLike<{ x: number; y: number; standing: boolean; ducking: boolean; grounded: boolean; duckHeld: boolean }>;
  readonly obstacles: ArrayLike<{ kind: number; x: number }>;
}

/** Client side: the decoded state as Edgeroom's quantised frame, which the shared bot brain reads. */
export function toQuantised(s: RoomStateView): number[] {
  const out: number[] = [s.tick, s.speed, s.phase];
  for (let i = 0; i < s.players.length; i++) {
    const p = s.players[i]!;
    out.push(p.x, p.y, (p.standing ? 1 : 0) | (p.ducking ? 2 : 0) | (p.grounded ? 4 : 0) | (p.duckHeld ? 8 : 0));
  }
  for (let k = 0; k < s.obstacles.length; k++) {
    const o = s.obstacles[k]!;
    out.push(o.kind, o.x);
  }
  return out;
}

/** For documentation and tests: the lengths are in QUANT_LENGTH mu and phases in PHASES order. */
export const STATE_UNITS = { lengthMu: QUANT_LENGTH, phases: PHASES } as const;
