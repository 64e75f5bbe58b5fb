/** What each stored timer does when the ticker finds it due. Each clears itself first, so a repeated alarm is a no-op. */
import { CloseCode } from "../../protocol";
import { applyInput, closeRoom, forfeitSeat, roundSeed, type TimerKey } from "./lifecycle";
import { readyTimeout } from "./match-start";
import { aiSeed } from "./frame-handler";
import { forfeitsOnExpiry } from "./absence";
import type { RoomOps } from "./room-ops";

/** Delay before the host tries again to archive and delete a closed room's storage. */
export const RETIRE_RETRY_MS = 60_000;

export function runTimer(core: RoomOps, key: TimerKey, now: number): void {
  const rec = core.record;
  core.markDirty();
  if (key === "ai") {
    rec.aiDueAt = null;
    aiMove(core, now);
  } else if (key === "turn") {
    rec.turnDeadline = null;
    const seat = rec.status === "playing" ? core.game.turn(rec.game) : null;
    if (seat !== null) {
      core.log("info", "turn_timeout", { seat });
      core.commit(forfeitSeat(rec, core.game, seat, "timeout", now));
    }
  } else if (key === "ready") {
    readyTimeout(core, now);
  } else if (key === "cleanup") {
    rec.cleanupAt = null;
    shutdown(core, now);
  } else if (key === "retention") {
    // Re-armed first: if archiving or deleting fails (or a rating report is still owed), the same timer tries again.
    rec.deleteAt = now + RETIRE_RETRY_MS;
    core.retire();
  } else {
    const seat = Number(key.slice("grace:".length));
    const seatRec = rec.seats[seat];
    if (!seatRec) return;
    seatRec.graceUntil = null;
    if (rec.status !== "playing") return;
    core.log("info", "grace_expired", { seat, policy: rec.settings.disconnectPolicy });
    if (forfeitsOnExpiry(rec)) {
      core.commit(forfeitSeat(rec, core.game, seat, "forfeit", now));
    } else {
      core.emitUpdate([{ type: "graceExpired", seat }]);
    }
  }
}

function aiMove(core: RoomOps, now: number): void {
  const rec = core.record;
  const ai = core.game.ai;
  const seat = rec.status === "playing" ? core.game.turn(rec.game) : null;
  if (seat === null || !ai || rec.seats[seat]?.kind !== "ai") return;
  const input = ai.choose(rec.game, seat, rec.settings.aiLevel ?? "medium", aiSeed(roundSeed(rec, rec.round), rec.actions));
  // The AI's move goes through the same validation and sequencing as a human's.
  const out = applyInput(rec, core.game, seat, input, "ai", null, now);
  if (out.ok) {
    core.commit(out);
    return;
  }
  // A rules engine refusing its own AI is a bug; forfeit the AI seat rather than stall the match.
  core.log("error", "ai_illegal_move", { seat, code: out.code, message: out.message });
  core.commit(forfeitSeat(rec, core.game, seat, "forfeit", now));
}

/** Close the room for good (abandoned while waiting, or idle after the end): last update, then every socket. */
function shutdown(core: RoomOps, now: number): void {
  const step = closeRoom(core.record, now);
  core.commit(step);
  core.log("info", "room_closed", { reason: step.events[0]?.["reason"] });
  for (const c of core.conns.all()) {
    core.conns.remove(c.connId);
    core.close(c, CloseCode.MATCH_CLOSED, "The match is over and the room is closed.");
  }
}
