/**
 * The bots' brain: the game's own scripted runner (`scriptedInput`) fed from
 * the decoded quantised snapshot instead of the full state. A snapshot arrives
 * every 3 ticks, so the bot extrapolates the course to each of the next 3
 * ticks and stamps its input with the first tick at which the scripted runner
 * would press: the room buffers it and applies it exactly at that tick if it
 * arrives before the tick is simulated.
 */
import { decodeQuantized, MAX_TICKS, scriptedInput, type RunnerInput, type RunnerState } from "../src/games/runner";

/** Ticks covered by one snapshot interval (60 Hz simulation, 20 Hz snapshots). */
export const TICKS_PER_SNAPSHOT = 3;

/** What the bot remembers about its own buttons (the snapshot lags behind what it sent). */
export interface BotMemory {
  /** The duck button as last sent. */
  duckHeld: boolean;
  /** The tick of the last jump sent; no new jump for a few ticks after (the snapshot may not show it yet). */
  lastJumpTick: number;
}

export type Decision = { readonly kind: "none" } | { readonly kind: "input"; readonly input: RunnerInput } | { readonly kind: "out" } | { readonly kind: "over" };

const JUMP_SUPPRESS_TICKS = 6;

/** A RunnerState good enough for `scriptedInput`, `k` ticks after the snapshot. */
function extrapolate(frame: ReturnType<typeof decodeQuantized>, seat: number, k: number, mem: BotMemory): RunnerState {
  const racing = frame.phase === "racing";
  return {
    tick: frame.tick + k,
    maxTicks: MAX_TICKS,
    speed: frame.speed,
    rng: 0,
    nextObstacleX: 0,
    players: frame.players.map((p, i) => ({
      x: p.standing && racing ? p.x + frame.speed * k : p.x,
      y: p.y,
      vy: 0,
      duck: i === seat ? mem.duckHeld : p.duckHeld,
      inputs: 0,
      outAt: p.standing ? null : frame.tick,
    })),
    obstacles: frame.obstacles,
    end: frame.phase === "over" ? "timeout" : null,
  };
}

/** Decide from the current quantised state what (if anything) to send now; updates `mem` when sending. */
export function decide(quantised: readonly number[], seat: number, mem: BotMemory): Decision {
  const frame = decodeQuantized(quantised);
  if (frame.phase === "over") return { kind: "over" };
  const me = frame.players[seat];
  if (me === undefined || !me.standing) return { kind: "out" };
  for (let k = 0; k < TICKS_PER_SNAPSHOT; k++) {
    const proposed = scriptedInput(extrapolate(frame, seat, k, mem), seat);
    if (proposed === null) continue;
    const input: RunnerInput = { ...proposed };
    if (input.jump && input.tick < mem.lastJumpTick + JUMP_SUPPRESS_TICKS) delete input.jump;
    if (input.jump === undefined && input.duck === undefined) continue;
    if (input.jump) mem.lastJumpTick = input.tick;
    if (input.duck !== undefined) mem.duckHeld = input.duck;
    return { kind: "input", input };
  }
  return { kind: "none" };
}
