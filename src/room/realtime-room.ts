/**
 * Real-time play inside the room core: admitting inputs into the tick buffer,
 * advancing the simulation, acknowledging applied inputs, and sending each
 * connection a delta snapshot. Persistence is batched: one write per snapshot
 * interval in which inputs were applied or events happened, plus a checkpoint
 * every few seconds, never one per tick.
 */
import { deltaPairs, RoomErrorCode, type ClientFrame } from "../protocol";
import type { LiveConn } from "./connections";
import { settleRealtime } from "./match";
import type { SeatRecord } from "./record";
import type { RoomCore } from "./room-core";

/** The record (game state included) is written at least this often while a real-time match runs. */
export const CHECKPOINT_MS = 3_000;

type InputFrame = Extract<ClientFrame, { t: "input" }>;

/** An input frame for a real-time game: validate, then buffer it at its tick (or reject, changing nothing). */
export function admitRealtimeInput(core: RoomCore, c: LiveConn, seat: number, seatRec: SeatRecord, frame: InputFrame, now: number): void {
  const rt = core.rt;
  if (!rt) return;
  const reject = (code: string, message: string) => core.send(c.connId, { t: "gameError", id: frame.id, code, message, dup: false });
  const admittedMax = core.admitted.get(seat) ?? 0;
  if (frame.id <= seatRec.lastInputId || frame.id <= admittedMax) {
    // Applied already, or buffered and about to be: never twice.
    core.send(c.connId, { t: "ack", id: frame.id, seq: null, dup: true });
    return;
  }
  const rec = core.record;
  if (rec.status !== "playing") {
    reject(rec.status === "waiting" ? RoomErrorCode.NOT_STARTED : RoomErrorCode.MATCH_OVER, rec.status === "waiting" ? "The match has not started yet." : "The match is over.");
    return;
  }
  const parsed = core.game.inputSchema.safeParse(frame.data);
  if (!parsed.success) {
    reject(RoomErrorCode.INVALID_INPUT, `Input is not valid for ${core.game.title}: ${parsed.error.issues[0]?.message ?? "invalid"}.`);
    return;
  }
  const check = core.game.apply(rec.game, parsed.data, { seat, by: "human" });
  if (!check.ok) {
    reject(check.code, check.message);
    return;
  }
  const admission = rt.admit(rec, seat, parsed.data, frame.id, rt.spec.inputTick(parsed.data), now);
  if (!admission.ok) {
    reject(admission.code, admission.message);
    return;
  }
  core.admitted.set(seat, frame.id);
}

/** Run the owed steps, then acknowledge, log, broadcast events and send snapshots. */
export function advanceRealtime(core: RoomCore, now: number): void {
  const rt = core.rt;
  const rec = core.record;
  if (!rt || rec.status !== "playing") return;
  const out = rt.advance(rec, now);
  core.metrics.steps += out.steps;
  core.metrics.droppedSteps += out.dropped;
  for (const p of out.applied) {
    const seatRec = rec.seats[p.seat];
    if (!seatRec || p.inputId === null) continue;
    seatRec.lastInputId = Math.max(seatRec.lastInputId, p.inputId);
    seatRec.recent.push([p.inputId, null, null, null]);
    if (seatRec.recent.length > 32) seatRec.recent.splice(0, seatRec.recent.length - 32);
    core.recordActions([{ kind: "input", round: rec.round, seat: p.seat, by: "human", inputId: p.inputId, data: p.input, at: p.at, tick: p.applyTick }]);
    for (const c of core.conns.all()) if (c.role === "player" && c.seat === p.seat) core.send(c.connId, { t: "ack", id: p.inputId, seq: null, dup: false });
  }
  if (out.events.length > 0 || core.game.result(rec.game)) core.commit(settleRealtime(rec, core.game, now, [...out.events]));
  if (out.steps > 0) sendSnapshots(core);
  if (now >= core.checkpointDueAt) {
    core.markDirty();
    core.checkpointDueAt = now + CHECKPOINT_MS;
  }
  if (rec.status !== "playing") rt.clear();
}

/** One snap per connection: a keyframe first, then deltas against what that connection already has. */
export function sendSnapshots(core: RoomCore): void {
  const rt = core.rt;
  if (!rt || core.record.game === null) return;
  const q = rt.spec.quantize(core.record.game);
  const tick = rt.spec.tick(core.record.game);
  for (const c of core.conns.all()) {
    const ack = c.seat === null ? 0 : (core.record.seats[c.seat]?.lastInputId ?? 0);
    const key = c.lastSnap === null || c.lastSnap.length !== q.length;
    core.send(c.connId, { t: "snap", tick, ack, key, d: key ? q : deltaPairs(c.lastSnap ?? [], q) });
    c.lastSnap = q;
  }
}
