/** What each stored timer does when the ticker finds it due. Each clears itself first, so a repeated alarm is a no-op. */
import { applyInput, forfeitSeat, roundSeed, type TimerKey } from "./lifecycle";
import { aiSeed } from "./frame-handler";
import { forfeitsOnExpiry } from "./absence";
import type { RoomCore } from "./room-core";

export function runTimer(core: RoomCore, key: TimerKey, now: number): void {
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
    core.readyTimeout(now);
  } else if (key === "cleanup") {
    rec.cleanupAt = null;
    core.shutdown(now);
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

function aiMove(core: RoomCore, now: number): void {
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
