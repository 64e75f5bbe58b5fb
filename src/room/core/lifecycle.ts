/**
 * Match lifecycle over a RoomRecord: rounds, inputs, forfeits, the end, and
 * the timers each state implies. Pure apart from mutating the record it is
 * given; time comes in as `now`. The room core calls these and turns the
 * returned events into update frames.
 */
import { deriveRound } from "../../protocol";
import type { AnyGame, GameEvent, Seat } from "../../games/types";
import type { ClosedBy, RoomSnapshot } from "../../protocol";
import { FINISHED_TTL_MS, type ActionEntry, type RoomRecord } from "./record";
import type { Deadline } from "./ticker";

export interface Step {
  events: GameEvent[];
  actions: ActionEntry[];
  ended: boolean;
}

export type InputStep = ({ ok: true } & Step) | { ok: false; code: string; message: string };

function emptyStep(): Step {
  return { events: [], actions: [], ended: false };
}

/** Seed of a round, derived from the match secret and committed to at the round's start. */
export function roundSeed(rec: RoomRecord, round: number): number {
  return deriveRound(rec.secret, round).seed;
}

/** Begin the next round: first round after all seats fill, later ones on rematch. */
export function startRound(rec: RoomRecord, game: AnyGame, now: number): Step {
  rec.round += 1;
  rec.firstSeat = (rec.round - 1) % rec.seats.length;
  const fair = deriveRound(rec.secret, rec.round);
  const seed = fair.seed;
  rec.commitment = fair.commitment;
  rec.game = game.create(seed, rec.settings.gameOptions, rec.seats.length, rec.firstSeat);
  rec.status = "playing";
  rec.readyDeadline = null;
  rec.rtAnchor = game.realtime ? now : null;
  rec.rtHold = null;
  rec.rtResumeAt = null;
  rec.result = null;
  rec.endedAt = null;
  rec.cleanupAt = null;
  for (const s of rec.seats) s.rematch = false;
  const step = emptyStep();
  step.actions.push({ kind: "round", round: rec.round, seed, firstSeat: rec.firstSeat, at: now });
  step.events.push({ type: "matchStarted", round: rec.round, firstSeat: rec.firstSeat, commitment: fair.commitment });
  settle(rec, game, now, step, true);
  return step;
}

/** Validate and apply one input of a seat through the game's rules. */
export function applyInput(rec: RoomRecord, game: AnyGame, seat: Seat, data: unknown, by: "human" | "ai", inputId: number | null, now: number): InputStep {
  const parsed = game.inputSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return { ok: false, code: "INVALID_INPUT", message: `Input is not valid for ${game.title}${where}: ${issue?.message ?? "invalid"}.` };
  }
  const outcome = game.apply(rec.game, parsed.data, { seat, by });
  if (!outcome.ok) return { ok: false, code: outcome.code, message: outcome.message };
  rec.game = outcome.state;
  const step = emptyStep();
  step.actions.push({ kind: "input", round: rec.round, seat, by, inputId, data: parsed.data, at: now });
  step.events.push(...outcome.events);
  settle(rec, game, now, step, true);
  return { ok: true, ...step };
}

/** A seat loses by timeout, grace expiry or resignation; the game decides what that means. */
export function forfeitSeat(rec: RoomRecord, game: AnyGame, seat: Seat, reason: "timeout" | "forfeit" | "resign", now: number): Step {
  const step = emptyStep();
  if (rec.status !== "playing") return step;
  const out = game.forfeit(rec.game, seat, reason);
  rec.game = out.state;
  const tick = game.realtime?.tick(rec.game);
  step.actions.push({ kind: "forfeit", round: rec.round, seat, reason, at: now, ...(tick === undefined ? {} : { tick }) });
  step.events.push(...out.events);
  settle(rec, game, now, step, true);
  return step;
}

/** Real-time games: end the match if the simulation says it is over. */
export function settleRealtime(rec: RoomRecord, game: AnyGame, now: number, events: GameEvent[]): Step {
  const step = emptyStep();
  step.events.push(...events);
  settle(rec, game, now, step, false);
  return step;
}

/** The end of a match, if the game says so; else the turn clock and AI timer for the next move. */
function settle(rec: RoomRecord, game: AnyGame, now: number, step: Step, moved: boolean): void {
  const result = game.result(rec.game);
  if (result) {
    rec.status = "finished";
    rec.result = result;
    rec.endedAt = now;
    rec.turnDeadline = null;
    rec.pausedTurnMs = null;
    rec.aiDueAt = null;
    rec.cleanupAt = now + FINISHED_TTL_MS;
    for (const s of rec.seats) s.graceUntil = null;
    // Reveal this round's seed and salt: anyone can check them against the commitment from the start.
    const reveal = deriveRound(rec.secret, rec.round);
    if (!rec.reveals.some((r) => r.round === rec.round)) rec.reveals.push(reveal);
    step.events.push({ type: "matchEnded", round: rec.round, result, reveal: { seed: reveal.seed, salt: reveal.salt, commitment: reveal.commitment } });
    step.ended = true;
    return;
  }
  if (!moved) return;
  const turn = game.turn(rec.game);
  const turnSeat = turn === null ? undefined : rec.seats[turn];
  const clock = turnSeat && rec.settings.turnMs !== null ? rec.settings.turnMs : null;
  // Under the "pause" policy a move made while someone is away (the AI's) leaves the new clock paused.
  const paused = rec.settings.disconnectPolicy === "pause" && rec.seats.some((s) => s.graceUntil !== null);
  rec.turnDeadline = clock !== null && !paused ? now + clock : null;
  rec.pausedTurnMs = clock !== null && paused ? clock : null;
  rec.aiDueAt = turnSeat?.kind === "ai" ? now + rec.settings.aiThinkMs : null;
}

/** Ask for a rematch; when every human seat has asked, the next round starts. */
export function requestRematch(rec: RoomRecord, game: AnyGame, seat: Seat, now: number): Step {
  const step = emptyStep();
  const seatRec = rec.seats[seat];
  if (!seatRec) return step;
  if (!seatRec.rematch) {
    seatRec.rematch = true;
    step.events.push({ type: "rematchRequested", seat });
  }
  for (const s of rec.seats) if (s.kind === "ai") s.rematch = true;
  if (rec.seats.every((s) => s.rematch)) {
    const next = startRound(rec, game, now);
    step.events.push(...next.events);
    step.actions.push(...next.actions);
  }
  return step;
}

/**
 * Close the room for good: abandoned while waiting, idle after the end, or by the operator (`closedBy`).
 * A match not over ends without a winner. The retention timer starts: the room deletes its storage
 * (after archiving its replay) `retentionMs` from now.
 */
export function closeRoom(rec: RoomRecord, now: number, closedBy: ClosedBy | null = null): Step {
  const step = emptyStep();
  // A round cut short is over too: reveal its seed, so its replay verifies like a finished round's.
  if (rec.status === "playing" && !rec.reveals.some((r) => r.round === rec.round)) rec.reveals.push(deriveRound(rec.secret, rec.round));
  if (rec.status === "waiting" || rec.status === "playing") {
    rec.result = closedBy ? { winner: null, reason: "abandoned", detail: { closedBy: closedBy.by, reason: closedBy.reason } } : { winner: null, reason: "abandoned" };
    rec.endedAt = now;
  }
  rec.status = "closed";
  rec.closedBy = closedBy;
  rec.turnDeadline = null;
  rec.pausedTurnMs = null;
  rec.aiDueAt = null;
  rec.readyDeadline = null;
  rec.cleanupAt = null;
  rec.deleteAt = rec.retentionMs === null ? null : now + rec.retentionMs;
  for (const s of rec.seats) s.graceUntil = null;
  step.events.push(
    closedBy
      ? { type: "roomClosed", reason: "operator", message: closedBy.reason }
      : { type: "roomClosed", reason: rec.result?.reason === "abandoned" ? "abandoned" : "idle" },
  );
  return step;
}

export type TimerKey = "ai" | "turn" | `grace:${number}` | "ready" | "cleanup" | "retention";

/**
 * Every stored timer as a deadline. Listing order is the priority among
 * simultaneous deadlines: an AI move first, then a grace expiry (the player
 * left) before a turn timeout, then cleanup, and the retention deadline (delete the storage) last.
 */
export function timerDeadlines(rec: RoomRecord): Deadline<TimerKey>[] {
  const out: Deadline<TimerKey>[] = [];
  if (rec.aiDueAt !== null) out.push({ key: "ai", at: rec.aiDueAt });
  rec.seats.forEach((s, i) => {
    if (s.graceUntil !== null) out.push({ key: `grace:${i}`, at: s.graceUntil });
  });
  if (rec.turnDeadline !== null) out.push({ key: "turn", at: rec.turnDeadline });
  if (rec.readyDeadline !== null) out.push({ key: "ready", at: rec.readyDeadline });
  if (rec.cleanupAt !== null) out.push({ key: "cleanup", at: rec.cleanupAt });
  if (rec.deleteAt !== null) out.push({ key: "retention", at: rec.deleteAt });
  return out;
}

/** The room as one recipient sees it. */
export function snapshot(rec: RoomRecord, game: AnyGame, viewer: Seat | null, isConnected: (seat: Seat) => boolean): RoomSnapshot {
  const playing = rec.status === "playing" && rec.game !== null;
  return {
    matchId: rec.matchId,
    game: rec.settings.game,
    mode: rec.settings.mode,
    status: rec.status,
    round: rec.round,
    seats: rec.seats.map((s, i) => ({
      seat: i,
      name: s.name,
      kind: s.kind,
      claimed: s.playerId !== null,
      connected: s.kind === "ai" || isConnected(i),
      graceUntil: s.graceUntil,
      rematch: s.rematch,
    })),
    turn: playing ? game.turn(rec.game) : null,
    turnDeadline: rec.turnDeadline,
    result: rec.result,
    commitment: rec.commitment,
    view: rec.game === null ? null : game.view(rec.game, viewer),
  };
}
