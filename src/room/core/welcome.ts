/**
 * The welcome frame: who you are, the current room, and how this connection
 * continues the previous one (nothing, an exact replay of missed updates, or
 * a snapshot when the gap is outside the journal).
 */
import type { Seat } from "../../games/types";
import { MAX_CLIENT_FRAME_BYTES, PROTOCOL_VERSION, stateHash, type JournalEntry, type ServerFrame } from "../../protocol";
import { snapshot } from "./lifecycle";
import type { ConnectRequest } from "./connections";
import type { RoomOps } from "./room-ops";
import { entryFor, hashPublic } from "./audience";
import { livenessCheckMs, PONG_TIMEOUT_MS } from "./liveness";

/**
 * How often a client should send `sync`. Real-time rooms ask for one a second: besides refining the
 * clock, a frame is what wakes an evicted room (the `ping` auto-response does not), so the tick loop
 * comes back within a second while anyone is connected, for 1/20 of a billed request per frame
 * instead of an alarm write per second. Turn-based rooms only need the clock.
 */
export const SYNC_INTERVAL_MS = { realtime: 1_000, turnBased: 15_000 } as const;

/**
 * The reconnect delay cap a room asks of its clients: a third of its grace window (1–30 s). With full
 * jitter a client tries again within that long of the room coming back, so a seated player of a room
 * that restarts is back with two thirds of the window to spare (measured in docs/reliability.md).
 */
export function reconnectCapMs(graceMs: number): number {
  return Math.min(30_000, Math.max(1_000, Math.floor(graceMs / 3)));
}

/** Critical updates remembered per seat until acknowledged. */
export const MAX_UNACKED = 16;

export function buildWelcome(core: RoomOps, req: ConnectRequest, seat: Seat | null, seqBefore: number, now: number): ServerFrame {
  const rec = core.record;
  const seatRec = seat === null ? undefined : rec.seats[seat];
  let status: "none" | "replayed" | "snapshot" = "none";
  let replay: JournalEntry[] = [];
  if (req.resume) {
    // Everything after what the client applied, including what this very connect produced.
    const missed = core.journal.since(req.resume.lastSeq, rec.seq);
    if (missed) {
      status = "replayed";
      replay = missed;
    } else {
      status = "snapshot";
    }
    core.log("info", "resume", { playerId: req.playerId, seat, fromSeq: req.resume.lastSeq, toSeq: rec.seq, seqBefore, status, replayed: replay.length });
  }
  return {
    t: "welcome",
    v: PROTOCOL_VERSION,
    seq: rec.seq,
    serverTime: now,
    matchId: rec.matchId,
    you: { playerId: req.playerId, name: req.name, seat, role: req.role },
    lastInputId: seatRec?.lastInputId ?? 0,
    heartbeat: {
      pingIntervalMs: rec.settings.pingIntervalMs,
      timeoutMs: rec.settings.heartbeatTimeoutMs,
      syncIntervalMs: core.game.realtime ? SYNC_INTERVAL_MS.realtime : SYNC_INTERVAL_MS.turnBased,
      pongTimeoutMs: PONG_TIMEOUT_MS,
      checkIntervalMs: livenessCheckMs(core),
    },
    reconnect: { maxDelayMs: reconnectCapMs(rec.settings.graceMs) },
    limits: { maxFrameBytes: MAX_CLIENT_FRAME_BYTES, burst: core.game.rateLimit.burst, perSecond: core.game.rateLimit.perSecond },
    session: seatRec?.session ?? req.newSession,
    resume: { status, fromSeq: req.resume ? req.resume.lastSeq : null },
    replay: replay.map((e) => entryFor(e, seat)),
    critical: seatRec ? seatRec.unacked : [],
    stateHash: hashPublic(core.game, rec) ? stateHash(rec.game) : null,
    room: snapshot(rec, core.game, seat, (s) => core.conns.seatConnected(s)),
  };
}
