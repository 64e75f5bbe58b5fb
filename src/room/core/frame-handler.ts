/**
 * Handling of one incoming frame: rate limit, decode, then the command.
 *
 * Every rejection answers with a documented error frame and changes nothing
 * but the connection's strike count; enough strikes close the socket with a
 * policy close code. Input ids give exactly-once semantics per seat: an id at
 * or below the seat's last processed id is acknowledged again, never applied.
 */
import { mixSeed } from "../../games/rng";
import { ABUSE_LIMIT, CloseCode, ErrorCode, RECENT_OUTCOMES, RoomErrorCode, decodeClientFrame, type ClientFrame } from "../../protocol";
import { connAge, type LiveConn } from "./connections";
import { applyInput, forfeitSeat, requestRematch, type Step } from "./lifecycle";
import { findOutcome, outcomeCode, outcomeMessage, outcomeSeq, rememberOutcome } from "./outcomes";
import type { SeatRecord } from "./record";
import type { RoomOps } from "./room-ops";
import { addStrike, takeToken } from "./token-bucket";
import { admitRealtimeInput } from "./realtime-play";

type Command = Extract<ClientFrame, { id: number }>;

export function handleFrame(core: RoomOps, c: LiveConn, data: ArrayBuffer | string, now: number): void {
  if (data === "ping") {
    // Normally answered by the runtime's auto-response without waking the room; answer here too.
    core.sendText(c.connId, "pong");
    return;
  }
  const { burst, perSecond } = core.game.rateLimit;
  // The bucket's time is counted from the connection's start (connections.ts: `tokensAt`).
  const allowed = takeToken(c, connAge(c, now), burst, perSecond);
  // Decoded even when over budget (frames are capped at 1 KiB and scanned first): the error must name the
  // input id so the client can re-send exactly that input.
  const decoded = decodeClientFrame(data);
  if (!allowed) {
    // Over the budget is not yet abuse: every RATE_LIMITED_PER_STRIKE-th excess frame counts as one strike,
    // so a client keeps its connection through a burst but a sustained flood is closed.
    c.excess += 1;
    const strike = c.excess % RATE_LIMITED_PER_STRIKE === 0;
    const id = decoded.ok ? ("id" in decoded.value ? decoded.value.id : null) : decoded.id;
    // Inputs after a refused one are held too, so input N+1 is never applied while N is missing.
    if (id !== null && (c.holdFrom === null || id < c.holdFrom)) c.holdFrom = id;
    reject(core, c, ErrorCode.RATE_LIMITED, `Too many frames: at most ${perSecond} per second, bursts of ${burst}. The frame was not processed; re-send it.`, id, now, strike);
    return;
  }
  if (!decoded.ok) {
    reject(core, c, decoded.code, decoded.message, decoded.id, now);
    return;
  }
  const frame = decoded.value;
  if ("id" in frame && c.holdFrom !== null) {
    if (frame.id > c.holdFrom) {
      core.send(c.connId, { t: "error", code: ErrorCode.RATE_LIMITED, message: `Input ${c.holdFrom} was refused by the rate limit; re-send inputs from ${c.holdFrom} in order.`, id: frame.id });
      return;
    }
    // Only the refused input itself lifts the hold: a lower id was sent before it and is a re-send of
    // something already settled (acknowledged again as a duplicate), so it must not let N+1 through early.
    if (frame.id === c.holdFrom) c.holdFrom = null;
  }
  if (frame.t === "sync") {
    core.send(c.connId, { t: "sync", c: frame.c, s: now });
    return;
  }
  if (frame.t === "ackCritical") {
    core.ackCritical(c, frame.seq);
    return;
  }
  command(core, c, frame, now);
}

/** Excess frames over the rate limit that make one abuse strike. */
export const RATE_LIMITED_PER_STRIKE = 10;

function reject(core: RoomOps, c: LiveConn, code: string, message: string, id: number | null, now: number, strike = true): void {
  core.send(c.connId, { t: "error", code, message, id });
  if (!strike) {
    if (c.excess % RATE_LIMITED_PER_STRIKE === 1) core.log("warn", "frame_rejected", { playerId: c.playerId, seat: c.seat, code, reason: message });
    return;
  }
  // The strike window's time is counted from the connection's start (connections.ts: `strikeWindowStart`).
  const strikes = addStrike(c, connAge(c, now), ABUSE_LIMIT.windowMs);
  core.log("warn", "frame_rejected", { playerId: c.playerId, seat: c.seat, code, reason: message, strikes });
  if (strikes >= ABUSE_LIMIT.strikes) {
    core.log("warn", "policy_close", { playerId: c.playerId, seat: c.seat, strikes });
    core.close(c, CloseCode.POLICY_VIOLATION, "Too many invalid or excess frames.");
    core.disconnect(c.connId, CloseCode.POLICY_VIOLATION, now);
  }
}

function command(core: RoomOps, c: LiveConn, frame: Command, now: number): void {
  const seatRec = c.seat === null ? undefined : core.record.seats[c.seat];
  if (c.seat === null || !seatRec) {
    core.send(c.connId, { t: "gameError", id: frame.id, code: RoomErrorCode.NOT_A_PLAYER, message: "Spectators cannot send inputs.", dup: false });
    return;
  }
  if (frame.t === "input" && core.rt) {
    // Real-time inputs are buffered by tick and acknowledged once applied (see realtime-room.ts).
    admitRealtimeInput(core, c, c.seat, seatRec, frame, now);
    return;
  }
  if (frame.id <= seatRec.lastInputId) {
    reacknowledge(core, c, seatRec, frame.id);
    return;
  }
  const result = run(core, c.seat, frame, now);
  seatRec.lastInputId = frame.id;
  core.markDirty();
  if ("code" in result) {
    seatRec.recent = rememberOutcome(seatRec.recent, RECENT_OUTCOMES, frame.id, null, result.code, result.message);
    core.send(c.connId, { t: "gameError", id: frame.id, code: result.code, message: result.message, dup: false });
    return;
  }
  const seq = core.commit(result);
  seatRec.recent = rememberOutcome(seatRec.recent, RECENT_OUTCOMES, frame.id, seq, null, null);
  core.send(c.connId, { t: "ack", id: frame.id, seq, dup: false });
}

type RunResult = Step | { code: string; message: string };

function run(core: RoomOps, seat: number, frame: Command, now: number): RunResult {
  const rec = core.record;
  const notPlaying =
    rec.status === "waiting"
      ? { code: RoomErrorCode.NOT_STARTED, message: "The match has not started yet." }
      : { code: RoomErrorCode.MATCH_OVER, message: "The match is over." };
  switch (frame.t) {
    case "input": {
      if (rec.status !== "playing") return notPlaying;
      const out = applyInput(rec, core.game, seat, frame.data, "human", frame.id, now);
      return out.ok ? out : { code: out.code, message: out.message };
    }
    case "resign":
      if (rec.status !== "playing") return notPlaying;
      return forfeitSeat(rec, core.game, seat, "resign", now);
    case "rematch":
      if (rec.status !== "finished") {
        return { code: RoomErrorCode.REMATCH_NOT_AVAILABLE, message: "A rematch can only be requested once the match is over." };
      }
      return requestRematch(rec, core.game, seat, now);
  }
}

function reacknowledge(core: RoomOps, c: LiveConn, seatRec: SeatRecord, id: number): void {
  const known = findOutcome(seatRec.recent, id);
  const code = known < 0 ? null : outcomeCode(seatRec.recent, known);
  if (code !== null) {
    core.send(c.connId, { t: "gameError", id, code, message: outcomeMessage(seatRec.recent, known) ?? "", dup: true });
    return;
  }
  core.send(c.connId, { t: "ack", id, seq: known < 0 ? null : outcomeSeq(seatRec.recent, known), dup: true });
}

/** Seed for one AI decision: fixed by the (committed) round seed and the position in the action log. */
export function aiSeed(roundSeed: number, actions: number): number {
  return mixSeed(roundSeed, actions);
}
