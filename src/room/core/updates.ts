/**
 * Updates (`t: "update"`, one seq each) as the recipients get them: one frame per distinct recipient
 * view (the snapshot and the events both depend only on the seat), and critical updates kept per
 * human seat, in that seat's own view, until the seat acknowledges them (re-delivered on resume).
 */
import type { AnyGame, Seat } from "../../games/types";
import type { JournalEntry, ServerFrame } from "../../protocol";
import { entryFor, eventsFor } from "./audience";
import type { Connections } from "./connections";
import { snapshot } from "./lifecycle";
import { NO_UNACKED, type RoomRecord, type SeatRecord } from "./record";
import { MAX_UNACKED } from "./welcome";

/** What sending an update needs of the core. */
export interface UpdateTarget {
  readonly record: RoomRecord;
  readonly game: AnyGame;
  readonly conns: Connections;
  send(conn: string, frame: ServerFrame): void;
}

/** Send update `entry` to every connection but `exclude`, building each distinct view once. */
export function sendUpdate(target: UpdateTarget, entry: JournalEntry, critical: boolean, exclude?: string): void {
  const { record: rec, game, conns } = target;
  const cache = new Map<Seat | null, ServerFrame>();
  for (const c of conns.all()) {
    if (c.connId === exclude) continue;
    let frame = cache.get(c.seat);
    if (!frame) {
      frame = { t: "update", seq: entry.seq, events: eventsFor(entry.events, c.seat), critical, room: snapshot(rec, game, c.seat, (s) => conns.seatConnected(s)) };
      cache.set(c.seat, frame);
    }
    target.send(c.connId, frame);
  }
}

/** A critical update: every human seat keeps what it was allowed to see of it (the newest MAX_UNACKED). */
export function rememberCritical(rec: RoomRecord, entry: JournalEntry): void {
  rec.seats.forEach((s, seat) => {
    if (s.kind !== "human" || s.playerId === null) return;
    // A new exact-size list (rare: matchStarted, matchEnded): `push` onto an empty list reserves 17 slots,
    // kept all match by a seat that never acknowledges (issue 12).
    const kept = s.unacked.length >= MAX_UNACKED ? s.unacked.slice(s.unacked.length - MAX_UNACKED + 1) : s.unacked;
    s.unacked = kept.concat([entryFor(entry, seat)]);
  });
}

/** Seats (of a record just loaded or made) with nothing unacknowledged hold the one shared empty list (record.ts). */
export function shareEmptyUnacked(rec: RoomRecord): void {
  for (const s of rec.seats) if (s.unacked.length === 0) s.unacked = NO_UNACKED;
}

/** A seat acknowledged critical update `seq`: stop re-delivering it. True when the record changed. */
export function forgetAcked(seatRec: SeatRecord, seq: number): boolean {
  const before = seatRec.unacked.length;
  const kept = seatRec.unacked.filter((e) => e.seq !== seq);
  seatRec.unacked = kept.length === 0 ? NO_UNACKED : kept;
  return kept.length !== before;
}
