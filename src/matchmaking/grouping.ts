/**
 * Forming matches from the players waiting in one queue: pure, time comes in as `now`. The queue
 * Durable Object calls `formGroups` whenever someone connects and on its alarm, at the time
 * `nextDecisionAt` names.
 */
import type { QueueShape } from "./queue-join";

export interface Waiting {
  readonly ticketId: string;
  readonly playerId: string;
  readonly name: string;
  /** Rating mean (mu) for this game; new players have the library's default (25). */
  readonly rating: number;
  readonly joinedAt: number;
  /** Turn-based games with an AI: play the AI after this long; null = never. */
  readonly aiAfterMs: number | null;
}

export type { QueueShape };

export interface Group<W extends Waiting = Waiting> {
  readonly players: W[];
  readonly mode: "pvp" | "ai";
}

/** Rating distance allowed for a player who has waited `waitedMs`: widens by WINDOW_STEP every WINDOW_STEP_MS, unbounded after WINDOW_OPEN_MS. */
export const WINDOW_BASE = 3;
export const WINDOW_STEP = 3;
export const WINDOW_STEP_MS = 5_000;
export const WINDOW_OPEN_MS = 30_000;

export function ratingWindow(waitedMs: number): number {
  if (waitedMs >= WINDOW_OPEN_MS) return Infinity;
  return WINDOW_BASE + WINDOW_STEP * Math.floor(Math.max(0, waitedMs) / WINDOW_STEP_MS);
}

/**
 * Two players may meet when their ratings are within the wider of their two windows: whoever has
 * waited longer drags the pair together, so nobody waits past WINDOW_OPEN_MS for a match.
 */
function compatible(a: Waiting, b: Waiting, now: number): boolean {
  return Math.abs(a.rating - b.rating) <= Math.max(ratingWindow(now - a.joinedAt), ratingWindow(now - b.joinedAt));
}

/** Groups to start now; every player appears in at most one. Oldest players are served first. */
export function formGroups<W extends Waiting>(waiting: readonly W[], shape: QueueShape, now: number): Group<W>[] {
  const pool = [...waiting].sort((a, b) => a.joinedAt - b.joinedAt || (a.ticketId < b.ticketId ? -1 : 1));
  const groups: Group<W>[] = [];
  const taken = new Set<string>();
  for (const anchor of pool) {
    if (taken.has(anchor.ticketId)) continue;
    const others = pool
      .filter((p) => p !== anchor && !taken.has(p.ticketId) && compatible(anchor, p, now))
      .sort((a, b) => Math.abs(a.rating - anchor.rating) - Math.abs(b.rating - anchor.rating) || a.joinedAt - b.joinedAt);
    const group = pick(anchor, others, shape, now);
    if (!group) continue;
    for (const p of group.players) taken.add(p.ticketId);
    groups.push(group);
  }
  return groups;
}

function pick<W extends Waiting>(anchor: W, others: W[], shape: QueueShape, now: number): Group<W> | null {
  const full = shape.seats - 1;
  if (others.length >= full) return { players: [anchor, ...others.slice(0, full)], mode: "pvp" };
  if (shape.kind === "real-time") {
    // Real-time games do not wait for a full room forever: after the ready time, whoever is here plays.
    const ready = now - anchor.joinedAt >= shape.readyMs;
    return ready && others.length + 1 >= shape.minSeats ? { players: [anchor, ...others], mode: "pvp" } : null;
  }
  if (shape.hasAi && anchor.aiAfterMs !== null && now - anchor.joinedAt >= anchor.aiAfterMs) return { players: [anchor], mode: "ai" };
  return null;
}

/** When waiting could next produce a match without anyone joining: an AI offer, a ready time or a window step. */
export function nextDecisionAt(waiting: readonly Waiting[], shape: QueueShape, now: number): number | null {
  let at = Infinity;
  for (const p of waiting) {
    if (shape.kind === "real-time") at = Math.min(at, p.joinedAt + shape.readyMs);
    else if (shape.hasAi && p.aiAfterMs !== null) at = Math.min(at, p.joinedAt + p.aiAfterMs);
    // A wider window can only help when someone else is waiting too.
    const waited = now - p.joinedAt;
    if (waiting.length > 1 && waited < WINDOW_OPEN_MS) at = Math.min(at, p.joinedAt + (Math.floor(waited / WINDOW_STEP_MS) + 1) * WINDOW_STEP_MS);
  }
  return at === Infinity ? null : Math.max(at, now);
}
