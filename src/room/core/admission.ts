/** Deciding on a new connection: version, room state, resume check, seat claim, replacing older connections, and the welcome. */
import type { GameEvent, Seat } from "../../games/types";
import { CloseCode, MAX_ROOM_CONNECTIONS, SUPPORTED_PROTOCOL_VERSIONS, PROTOCOL_VERSION } from "../../protocol";
import { liveConn, type ConnectRequest, type ConnInfo } from "./connections";
import { endAbsence } from "./absence";
import { operatorRefusal } from "./operator-actions";
import { beginMatch, everyoneHere } from "./match-start";
import { buildWelcome } from "./welcome";
import type { RoomOps } from "./room-ops";

export type ConnectDecision = { accepted: true; info: ConnInfo } | { accepted: false; code: number; reason: string };

/** Decide on a new socket and, when admitted, seat it and greet it. */
export function admit(core: RoomOps, req: ConnectRequest, now: number): ConnectDecision {
  const rec = core.record;
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(req.version)) {
    return refuse(core, req, CloseCode.UNSUPPORTED_VERSION, `Protocol version ${req.version} is not supported; this server speaks ${PROTOCOL_VERSION}.`);
  }
  const barred = operatorRefusal(core, req.playerId);
  if (barred) return refuse(core, req, barred.code, barred.reason);
  if (rec.status === "closed") return refuse(core, req, CloseCode.MATCH_CLOSED, "This match is over and its room is closed.");
  const resumeError = checkResume(core, req);
  if (resumeError) return refuse(core, req, CloseCode.RESUME_REJECTED, resumeError);
  const seqBefore = rec.seq;
  let seat: Seat | null = null;
  const events: GameEvent[] = [];
  if (req.role === "spectator") {
    if (!rec.settings.spectators) return refuse(core, req, CloseCode.SPECTATORS_NOT_ALLOWED, "This match does not allow spectators.");
    // Every seat keeps a place (one connection each); spectators share the rest. A spectator's own older
    // connection is about to be replaced, so it does not count.
    const others = core.conns.all().filter((c) => !(c.playerId === req.playerId && c.role === "spectator")).length;
    const seatedElsewhere = Math.max(0, rec.seats.filter((s) => s.kind === "human").length - core.conns.all().filter((c) => c.role === "player").length);
    if (others + seatedElsewhere >= MAX_ROOM_CONNECTIONS) {
      return refuse(core, req, CloseCode.ROOM_AT_CAPACITY, `This room holds at most ${MAX_ROOM_CONNECTIONS} connections.`);
    }
  } else {
    seat = rec.seats.findIndex((s) => s.playerId === req.playerId);
    if (seat < 0) {
      seat = rec.seats.findIndex((s) => s.kind === "human" && s.playerId === null);
      if (seat < 0) return refuse(core, req, CloseCode.ROOM_FULL, "Every seat in this match is taken.");
      const claimed = rec.seats[seat];
      if (claimed) {
        claimed.playerId = req.playerId;
        claimed.name = req.name;
      }
      events.push({ type: "playerJoined", seat, name: req.name });
      core.markDirty();
    }
  }
  for (const old of core.conns.samePlayer(req.playerId, req.role)) {
    core.conns.remove(old.connId);
    core.close(old, CloseCode.SESSION_REPLACED, "Replaced by a newer connection of the same player.");
  }
  const info: ConnInfo = { connId: req.connId, playerId: req.playerId, name: req.name, role: req.role, seat, connectedAt: now };
  core.conns.add(liveConn(info, core.game.rateLimit.burst, now));

  const seatRec = seat === null ? undefined : rec.seats[seat];
  if (seatRec && seatRec.session === "") {
    seatRec.session = req.newSession;
    core.markDirty();
  }
  if (seatRec && seat !== null) {
    const back = endAbsence(rec, seat, now);
    const resumed = back.length > 0;
    if (resumed) core.markDirty();
    events.push(...(resumed ? back : [{ type: "playerConnected", seat }]));
    core.log("info", "join", { seat, playerId: req.playerId, returning: resumed, lastInputId: seatRec.lastInputId });
  } else {
    core.log("info", "spectate", { playerId: req.playerId });
  }
  if (rec.status === "waiting" && seat !== null && rec.readyDeadline === null && rec.settings.readyTimeoutMs !== null) {
    rec.readyDeadline = now + rec.settings.readyTimeoutMs;
    core.markDirty();
  }
  if (rec.status === "waiting" && everyoneHere(core)) events.push(...beginMatch(core, now));
  if (events.length > 0) core.emitUpdate(events, req.connId);
  core.send(req.connId, buildWelcome(core, req, seat, seqBefore, now));
  return { accepted: true, info };
}

function refuse(core: RoomOps, req: ConnectRequest, code: number, reason: string): ConnectDecision {
  core.log("info", "join_refused", { playerId: req.playerId, role: req.role, code, reason });
  return { accepted: false, code, reason };
}

/** Null when the resume data (if any) is acceptable, else why not. Fails closed. */
function checkResume(core: RoomOps, req: ConnectRequest): string | null {
  const r = req.resume;
  if (!r) return null;
  if (r.lastSeq > core.record.seq) return `lastSeq ${r.lastSeq} is ahead of the room (at ${core.record.seq}).`;
  if (req.role === "spectator") return null;
  const seatRec = core.record.seats.find((s) => s.playerId === req.playerId);
  if (!seatRec || seatRec.session === "" || r.session !== seatRec.session) return "Unknown or foreign session for this player.";
  return null;
}
