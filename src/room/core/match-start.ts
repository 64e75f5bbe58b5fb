/** Starting the first round: once every seat is claimed and present, or when the ready timeout forces it. */
import type { GameEvent } from "../../games/types";
import { startAbsence } from "./absence";
import { startRound } from "./lifecycle";
import type { RoomOps } from "./room-ops";

/**
 * Start the first round. When the ready timeout forces the start, seats no
 * one claimed are removed and claimed seats whose player is not connected
 * get their grace window at once.
 */
export function beginMatch(core: RoomOps, now: number): GameEvent[] {
  const rec = core.record;
  const claimed = rec.seats.filter((s) => s.playerId !== null);
  if (claimed.length < rec.seats.length) {
    rec.seats = claimed;
    // The replay publishes the settings: they must name the seats that actually play.
    rec.settings = { ...rec.settings, seats: claimed.length };
  }
  const step = startRound(rec, core.game, now);
  core.recordActions(step.actions);
  core.log("info", "match_start", { round: rec.round, seats: rec.seats.length });
  const away: GameEvent[] = [];
  rec.seats.forEach((s, i) => {
    if (s.kind === "human" && !core.conns.seatConnected(i)) away.push(...startAbsence(rec, i, now));
  });
  return [...step.events, ...away];
}

/** The ready timeout expired: start with whoever is seated, if enough are here. */
export function readyTimeout(core: RoomOps, now: number): void {
  const rec = core.record;
  rec.readyDeadline = null;
  if (rec.status !== "waiting") return;
  const present = rec.seats.filter((s, i) => s.playerId !== null && (s.kind === "ai" || core.conns.seatConnected(i))).length;
  if (present < core.game.seats.min) return;
  core.emitUpdate(beginMatch(core, now));
}

/** Every seat is claimed and every human seat has a live connection. */
export function everyoneHere(core: RoomOps): boolean {
  return core.record.seats.every((s, i) => s.playerId !== null && (s.kind === "ai" || core.conns.seatConnected(i)));
}
