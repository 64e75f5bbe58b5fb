/**
 * Real-time play inside the room core: admitting inputs into the tick buffer,
 * advancing the simulation, answering every input exactly once, holding the
 * race after a rebuild, and sending each connection a delta snapshot.
 * Persistence is batched: applied inputs are written with the next write (an
 * event's update, or the checkpoint every CHECKPOINT_MS), never one per tick.
 *
 * Exactly one answer per input id, at admission: `ack {id, tick}` (scheduled
 * for that tick) or `gameError` (refused). Durability is confirmed later by
 * `snap.dur`, which only counts what was written before the snap was sent. An
 * admitted input whose round ends before its tick is not applied: a second,
 * final notice `gameError ROUND_ENDED` says so. A re-sent id gets the recorded
 * outcome (`dup: true`): applied → `ack` with its tick, buffered → `ack` with
 * its scheduled tick, refused or discarded → the `gameError`; an id the room
 * does not know (admitted by an instance that died before writing it) is
 * admitted afresh.
 */
import { acceptsAsIs } from "../../protocol/zod-fast-path";
import { RoomErrorCode, type ClientFrame, type ServerFrame } from "../../protocol";
import type { GameEvent, Seat } from "../../games/types";
import type { LiveConn } from "./connections";
import { settleRealtime } from "./lifecycle";
import type { PendingInput } from "./fixed-step";
import { findOutcome, highestOutcomeId, outcomeCode, outcomeMessage, outcomeSeq, rememberOutcome } from "./outcomes";
import type { SeatRecord } from "./record";
import type { RoomOps } from "./room-ops";

/**
 * The record (game state and the inputs applied since the last write) is written at least this often
 * while a real-time match runs: the most a restart can take a race back, and the longest an applied
 * input waits for `snap.dur`. Events (updates) are written at once.
 */
export const CHECKPOINT_MS = 5_000;
/**
 * While a real-time match runs the alarm is only a watchdog this far out (one alarm write per period).
 * It matters only when the instance went away and nothing else wakes the room: connected clients send
 * a `sync` every second, which wakes an evicted room at once, and grace expiries have alarms of their
 * own (`timerDeadlines`). 20 s rather than 10 s: a 90 s race costs two alarm writes at its start and
 * one at its end besides the watchdog's, and at 10 s that averaged 1.5 writes per 10 s of racing in
 * the capacity bench, above the goal of one (measured 2026-12-06, bench/results/performance-table.md).
 */
export const WATCHDOG_MS = 20_000;
/**
 * Outcomes of real-time inputs remembered per seat for exact answers to re-sent ids: the last 32, as
 * docs/protocol.md §8.2 promises for every game (a client keeps fewer than 32 inputs unanswered; the
 * SDK's outbox holds 32). It was 64: the outcomes are live heap, and at 64 they were a racing room's
 * largest part, 23 KB of its 62 KB at 60 s into a race (bench/capacity/heap.ts, 2026-12-07); they are
 * now one flat array per seat (outcomes.ts).
 */
export const RECENT_REALTIME = 32;
/**
 * The record is also written as soon as one seat has this many applied inputs not yet durable, so
 * `snap.dur` trails a seat's admissions by at most CHECKPOINT_MS or this many inputs, whichever comes
 * first. A client must keep every admitted input until `snap.dur` covers it: without a count bound, a
 * seat sending 7 inputs a second would hold more than the 32 unanswered-plus-admitted inputs a
 * client may have open (measured: the SDK's outbox filled in the fault suite's kills). Players who
 * send fewer than 16 a second over 5 s never trigger it, so the row cost of ordinary play is unchanged.
 */
export const DURABLE_LAG_INPUTS = 16;
/**
 * After a held race is released (every seated player back, or their grace over), it resumes after
 * this countdown: long enough for every client to receive the resume time and re-anchor its tick
 * clock (one snapshot interval plus a round trip), short enough not to bore anyone.
 */
export const RESUME_COUNTDOWN_MS = 2_000;

type InputFrame = Extract<ClientFrame, { t: "input" }>;

/** An input frame for a real-time game: answer a re-send exactly, else validate and buffer it at its tick. */
export function admitRealtimeInput(core: RoomOps, c: LiveConn, seat: Seat, seatRec: SeatRecord, frame: InputFrame, now: number): void {
  const rt = core.rt;
  if (!rt) return;
  // Index loops and no closures on this per-input path (issue 12).
  const known = findOutcome(seatRec.recent, frame.id);
  if (known >= 0) {
    answer(core, seat, seatRec, known, true);
    return;
  }
  // Buffered and not yet applied: admitted before; say so again, with its tick.
  const pendingTick = rt.pendingTick(seat, frame.id);
  if (pendingTick !== null) {
    core.send(c.connId, { t: "ack", id: frame.id, seq: null, tick: pendingTick, dup: true });
    return;
  }
  if (frame.id <= seatRec.lastInputId) {
    // Settled before the outcomes still remembered (the SDK never re-sends that far back).
    core.send(c.connId, { t: "ack", id: frame.id, seq: null, dup: true });
    return;
  }
  const rec = core.record;
  if (rec.status !== "playing") {
    if (rec.status === "waiting") settle(core, seat, seatRec, frame.id, null, RoomErrorCode.NOT_STARTED, "The match has not started yet.", true);
    else settle(core, seat, seatRec, frame.id, null, RoomErrorCode.MATCH_OVER, "The match is over.", true);
    return;
  }
  // zod only when the precompiled check cannot vouch for the input as is (zod-fast-path.ts: verdicts and error texts stay zod's).
  let input: unknown = frame.data;
  if (!acceptsAsIs(core.game.inputSchema, input)) {
    const parsed = core.game.inputSchema.safeParse(input);
    if (!parsed.success) {
      settle(core, seat, seatRec, frame.id, null, RoomErrorCode.INVALID_INPUT, `Input is not valid for ${core.game.title}: ${parsed.error.issues[0]?.message ?? "invalid"}.`, true);
      return;
    }
    input = parsed.data;
  }
  const check = core.game.apply(rec.game, input, { seat, by: "human" });
  if (!check.ok) {
    settle(core, seat, seatRec, frame.id, null, check.code, check.message, true);
    return;
  }
  const admission = rt.admit(rec, seat, input, frame.id, rt.spec.inputTick(input), now);
  if (!admission.ok) settle(core, seat, seatRec, frame.id, null, admission.code, admission.message, true);
  // The one answer: admitted, scheduled for this tick (applied iff the round reaches it; durable once `snap.dur` covers it).
  else answerSeat(core, seat, { t: "ack", id: frame.id, seq: null, tick: admission.applyTick, dup: false });
}

/** Run the owed steps (unless the race is held), then answer, log, broadcast events and send snapshots. */
export function advanceRealtime(core: RoomOps, now: number): void {
  const rt = core.rt;
  const rec = core.record;
  if (!rt || rec.status !== "playing") return;
  if (holding(core, now)) {
    sendSnapshots(core, true);
    return;
  }
  const out = rt.advance(rec, now);
  core.metrics.steps += out.steps;
  core.metrics.droppedSteps += out.dropped;
  let lagging = false;
  // Index loops here and in `settle`: an array iterator per tick showed in the allocation profile (issue 12).
  for (let i = 0; i < out.applied.length; i++) {
    const p = out.applied[i];
    const seatRec = p === undefined ? undefined : rec.seats[p.seat];
    if (p === undefined || !seatRec || p.inputId === null) continue;
    // Written with the next write (an event, the checkpoint, or DURABLE_LAG_INPUTS of one seat); `snap.dur` covers it only after that.
    const waiting = core.recordDeferredInput(rec.round, p.seat, p.inputId, p.input, p.at, p.applyTick);
    if (waiting >= DURABLE_LAG_INPUTS) lagging = true;
    // Applied: recorded (the tick in the seq slot, see SeatRecord.recent), not answered again (the admission ack was the answer).
    settle(core, p.seat, seatRec, p.inputId, p.applyTick, null, null, false);
  }
  // Events a client derives from the snapshot (RealtimeSpec.derivedEvents) are neither sent nor written.
  // `out.events` is reused by the next advance: the update gets its own list (filtered, or copied below).
  const derived = rt.spec.derivedEvents;
  const events = out.events.length > 0 && derived && derived.length > 0 ? out.events.filter((e) => !derived.includes(e.type)) : out.events;
  if (events.length > 0 || core.game.result(rec.game)) {
    // The update's write carries everything applied so far: the next checkpoint is due CHECKPOINT_MS after it.
    core.commit(settleRealtime(rec, core.game, now, [...events]));
    core.checkpointDueAt = now + CHECKPOINT_MS;
  }
  sendSnapshots(core, out.steps === 0);
  if (now >= core.checkpointDueAt || lagging) {
    core.markDirty();
    core.checkpointDueAt = now + CHECKPOINT_MS;
  }
}

/**
 * The round is over (finished, resigned, forfeited, closed): every input still buffered is answered
 * ROUND_ENDED and forgotten, so nothing is carried into a rematch and no `send()` waits forever.
 */
export function discardPending(core: RoomOps): void {
  const rt = core.rt;
  if (!rt) return;
  for (const p of rt.drain()) answerDiscarded(core, p);
}

function answerDiscarded(core: RoomOps, p: PendingInput): void {
  const seatRec = core.record.seats[p.seat];
  if (!seatRec || p.inputId === null) return;
  core.log("info", "input_discarded", { seat: p.seat, inputId: p.inputId, tick: p.applyTick });
  // The second, final notice for an admitted input: it was not applied and never will be.
  settle(core, p.seat, seatRec, p.inputId, null, RoomErrorCode.ROUND_ENDED, `The round ended before tick ${p.applyTick}; the input was not applied.`, true);
}

/**
 * Record an input's outcome, move `lastInputId` up to the highest id with nothing pending below, and
 * (refusals and discards) tell the seat. Applied inputs are not answered here: their admission ack was.
 */
function settle(core: RoomOps, seat: Seat, seatRec: SeatRecord, id: number, tick: number | null, code: string | null, message: string | null, tell: boolean): void {
  const recent = rememberOutcome(seatRec.recent, RECENT_REALTIME, id, tick, code, message);
  seatRec.recent = recent;
  const low = core.rt?.lowestPending(seat) ?? null;
  const settledMax = highestOutcomeId(recent, seatRec.lastInputId);
  seatRec.lastInputId = low === null ? settledMax : Math.min(settledMax, low - 1);
  if (tell) answerOutcome(core, seat, id, tick, code, message, false);
}

/** The remembered outcome at `at` (see `findOutcome`) as its frame. */
function answer(core: RoomOps, seat: Seat, seatRec: SeatRecord, at: number, dup: boolean): void {
  const recent = seatRec.recent;
  const id = recent[at];
  if (typeof id !== "number") return;
  answerOutcome(core, seat, id, outcomeSeq(recent, at), outcomeCode(recent, at), outcomeMessage(recent, at), dup);
}

/** An outcome as its frame: applied → `ack` with the tick it was applied at; refused or discarded → `gameError`. */
function answerOutcome(core: RoomOps, seat: Seat, id: number, tick: number | null, code: string | null, message: string | null, dup: boolean): void {
  answerSeat(core, seat, code === null ? { t: "ack", id, seq: null, ...(tick === null ? {} : { tick }), dup } : { t: "gameError", id, code, message: message ?? "", dup });
}

/** Send a frame to every connection holding the seat (the one that sent the input may have been replaced). */
function answerSeat(core: RoomOps, seat: Seat, frame: ServerFrame): void {
  const conns = core.conns.list();
  for (let i = 0; i < conns.length; i++) {
    const c = conns[i];
    if (c !== undefined && c.role === "player" && c.seat === seat) core.send(c.connId, frame);
  }
}

/**
 * A race held after a rebuild stays at its last durable tick until no seated player is away (each is
 * back, or their grace ended and the game forfeited them), then counts down and resumes there, so
 * ticks are only simulated while every remaining player can send. Returns whether it is still held.
 */
function holding(core: RoomOps, now: number): boolean {
  const rec = core.record;
  const rt = core.rt;
  if (!rt) return false;
  if (rec.rtHold !== null) {
    if (rec.seats.some((s) => s.kind === "human" && s.graceUntil !== null)) return true;
    rec.rtHold = null;
    rec.rtResumeAt = now + RESUME_COUNTDOWN_MS;
    core.log("info", "race_resuming", { tick: rt.tick(rec), at: rec.rtResumeAt });
    core.emitUpdate([{ type: "raceResuming", tick: rt.tick(rec), at: rec.rtResumeAt }]);
    return true;
  }
  if (rec.rtResumeAt !== null) {
    if (now < rec.rtResumeAt) return true;
    // Tick t now runs at resumeAt + (t - tick)·stepMs: the anchor moves by exactly the time held.
    rec.rtAnchor = rec.rtResumeAt - rt.tick(rec) * rt.stepMs;
    rec.rtResumeAt = null;
    core.markDirty();
  }
  return false;
}

/** Hold a live race (the room was rebuilt from storage): see `holding`. */
export function holdRace(core: RoomOps, now: number): GameEvent[] {
  const rec = core.record;
  if (!core.rt || rec.status !== "playing") return [];
  rec.rtHold = "restart";
  rec.rtResumeAt = null;
  core.markDirty();
  const tick = core.rt.tick(rec);
  // Clients saw up to a checkpoint (plus the write in flight) further: their re-sent inputs for that span are admitted at their ticks.
  core.rt.rewound(tick, CHECKPOINT_MS);
  core.log("info", "race_held", { tick, reason: "restart", at: now });
  return [{ type: "raceHeld", tick, reason: "restart" }];
}

/**
 * Snapshots: a keyframe to each connection that has none yet, then deltas against what it already
 * has, encoded once for all (snapshot-fanout.ts). `newOnly`: no step ran, so only connections
 * without a keyframe get one.
 */
export function sendSnapshots(core: RoomOps, newOnly = false): void {
  core.fanout.send(core, newOnly);
}
