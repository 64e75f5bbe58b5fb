/**
 * The persisted state of one room: everything needed to rebuild it after
 * hibernation, eviction or a restart. Plain data, stored as one msgpack blob.
 */
import type { EndReason, MatchResult, Seat } from "../games/types";
import type { JournalEntry, MatchStatus, RoundReveal } from "../protocol";
import type { RoomSettings } from "./settings";

/** [input id, update seq it produced or null, error code or null, error message or null] */
export type RecentOutcome = [id: number, seq: number | null, code: string | null, message: string | null];

export interface SeatRecord {
  /** Player holding the seat; null while open. AI seats hold "ai:<seat>". */
  playerId: string | null;
  name: string;
  kind: "human" | "ai";
  /** Highest input id processed for this seat (accepted or rejected). */
  lastInputId: number;
  /** Outcomes of the most recent inputs, for exact re-acknowledgement of re-sent ids. */
  recent: RecentOutcome[];
  /** Forfeit deadline while the seat's player is disconnected during play. */
  graceUntil: number | null;
  /** Asked for a rematch after the match ended. */
  rematch: boolean;
  /** Resume secret of the seat's player, issued on first connect (empty until then). */
  session: string;
  /** Critical updates this seat's player has not acknowledged yet, oldest first. */
  unacked: JournalEntry[];
}

export interface RoomRecord {
  format: 1;
  matchId: string;
  settings: RoomSettings;
  createdAt: number;
  /** The match's fairness secret (hex, 256 bits); never sent. Each round's seed and salt derive from it. */
  secret: string;
  /** Commitment to the current round's seed, published at its start (see src/protocol/fairness.ts). */
  commitment: string | null;
  /** Seeds and salts of finished rounds, revealed at their end. */
  reveals: RoundReveal[];
  round: number;
  firstSeat: Seat;
  status: MatchStatus;
  seats: SeatRecord[];
  /** Room-wide sequence number of the last update frame. */
  seq: number;
  /** The game's state for the current round, or null before the first round. */
  game: unknown;
  result: MatchResult | null;
  turnDeadline: number | null;
  /** Time left on the turn clock while paused by the "pause" disconnect policy, else null. */
  pausedTurnMs: number | null;
  aiDueAt: number | null;
  /** When the room closes itself: abandoned while waiting, or idle after the end. */
  cleanupAt: number | null;
  endedAt: number | null;
  /** Entries written to the action log so far. */
  actions: number;
  /** While waiting: when the match starts with the seats filled so far (games with a ready timeout). */
  readyDeadline: number | null;
  /** Real-time games: wall-clock time of tick 0 of the current round (the fixed-step anchor), else null. */
  rtAnchor: number | null;
  /** Real-time games: the race is held at its current tick after a rebuild until every seated player is back. */
  rtHold: "restart" | null;
  /** Real-time games: a released hold resumes the race at this time (the countdown), else null. */
  rtResumeAt: number | null;
}

/** A waiting room nobody completes is abandoned after this long. */
export const WAITING_TTL_MS = 60 * 60_000;
/** A finished room with no rematch closes after this long. */
export const FINISHED_TTL_MS = 15 * 60_000;

export interface Creator {
  readonly playerId: string;
  readonly name: string;
}

export function newRecord(matchId: string, settings: RoomSettings, creator: Creator, secret: string, now: number): RoomRecord {
  const seats: SeatRecord[] = [];
  for (let i = 0; i < settings.seats; i++) {
    const ai = settings.mode === "ai" && i > 0;
    seats.push({
      playerId: i === 0 ? creator.playerId : ai ? `ai:${i}` : null,
      name: i === 0 ? creator.name : ai ? `AI (${settings.aiLevel ?? "medium"})` : "",
      kind: ai ? "ai" : "human",
      lastInputId: 0,
      recent: [],
      graceUntil: null,
      rematch: false,
      session: "",
      unacked: [],
    });
  }
  return {
    format: 1,
    matchId,
    settings,
    createdAt: now,
    secret,
    commitment: null,
    reveals: [],
    round: 0,
    firstSeat: 0,
    status: "waiting",
    seats,
    seq: 0,
    game: null,
    result: null,
    turnDeadline: null,
    pausedTurnMs: null,
    aiDueAt: null,
    cleanupAt: now + WAITING_TTL_MS,
    endedAt: null,
    actions: 0,
    rtAnchor: null,
    rtHold: null,
    rtResumeAt: null,
    readyDeadline: null,
  };
}

/** One entry of the ordered action log: enough to re-simulate every round exactly. */
export type ActionEntry =
  | { kind: "round"; round: number; seed: number; firstSeat: Seat; at: number }
  | { kind: "input"; round: number; seat: Seat; by: "human" | "ai"; inputId: number | null; data: unknown; at: number; tick?: number }
  | { kind: "forfeit"; round: number; seat: Seat; reason: Exclude<EndReason, "win" | "draw">; at: number; tick?: number };
