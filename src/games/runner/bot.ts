/**
 * A tiny scripted runner that reads the state and sends what a competent player
 * would: it looks only at the nearest obstacle it has not passed, jumps so that
 * a low obstacle passes under the top of the jump, and holds duck from just
 * before a high obstacle until it has passed. Used by tests and load scripts;
 * it is not wired in as the game's AI.
 */
import { COUNTDOWN_TICKS, LOW_WIDTH, PLAYER_WIDTH, type RunnerState } from "./constants";
import { obstacleBox } from "./course";
import type { RunnerInput } from "./schema";
import { speedAt } from "./simulate";

/** Ticks from a jump to its peak (the jump lands after 29): aim the middle of the obstacle there. */
const JUMP_PEAK_HALF_TICKS = 29;

/**
 * The input `seat` sends at `state.tick`, or null when no button changes
 * (edge-triggered, like a real client).
 */
export function scriptedInput(state: RunnerState, seat: number): RunnerInput | null {
  const p = state.players[seat];
  if (p === undefined || p.outAt !== null || state.end !== null || state.tick < COUNTDOWN_TICKS) return null;
  const speed = speedAt(state.tick);
  const next = state.obstacles.find((o) => o.x + obstacleBox(o.kind).width > p.x);
  const gap = next === undefined ? Number.MAX_SAFE_INTEGER : next.x - (p.x + PLAYER_WIDTH);
  const wantDuck = next !== undefined && next.kind === "high" && gap <= 2 * speed;
  // Centre the obstacle's passage (PLAYER_WIDTH + LOW_WIDTH of overlap) on the jump's peak.
  const jumpAt = Math.trunc((JUMP_PEAK_HALF_TICKS * speed) / 2) - Math.trunc((PLAYER_WIDTH + LOW_WIDTH) / 2);
  const wantJump = next !== undefined && next.kind === "low" && p.y === 0 && gap <= jumpAt;
  if (wantDuck === p.duck && !wantJump) return null;
  const input: RunnerInput = { tick: state.tick };
  if (wantDuck !== p.duck) input.duck = wantDuck;
  if (wantJump) input.jump = true;
  return input;
}
