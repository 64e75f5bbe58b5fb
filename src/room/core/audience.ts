/**
 * Hidden information: who may see which event, and whether the state hash may be published.
 *
 * Every event reaches a recipient only if its `to` audience includes them (see `Audience` in the game
 * API), whether it travels live in an update, in a journal replay on resume, in a critical update
 * re-delivered from a seat's record, or over the HTTP fallback (the same frames). The `to` field
 * itself is the room's business and never goes on the wire.
 */
import type { AnyGame, Seat } from "../../games/types";
import type { JournalEntry } from "../../protocol";
import type { RoomRecord } from "./record";

/** An event as the room holds it (live, or read back from the journal): `to` is checked, not trusted. */
interface HeldEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * Whether a recipient (a seat, or null for a spectator) is in an event's audience. An audience the
 * room cannot read reaches nobody: a malformed `to` fails closed.
 */
export function inAudience(e: HeldEvent, seat: Seat | null): boolean {
  const to = e["to"];
  if (to === undefined) return true;
  if (to === "spectators") return seat === null;
  if (seat === null) return false;
  if (to === "seats") return true;
  if (typeof to !== "object" || to === null) return false;
  if ("seat" in to) return to.seat === seat;
  if ("seats" in to && Array.isArray(to.seats)) return to.seats.includes(seat);
  return false;
}

/** The events one recipient receives, without their audience field. */
export function eventsFor(events: readonly HeldEvent[], seat: Seat | null): HeldEvent[] {
  const out: HeldEvent[] = [];
  for (const e of events) {
    if (!inAudience(e, seat)) continue;
    if (e["to"] === undefined) {
      out.push(e);
      continue;
    }
    out.push({ ...Object.fromEntries(Object.entries(e).filter(([k]) => k !== "to")), type: e.type });
  }
  return out;
}

/** A journal entry as one recipient receives it: same seq, only the events in their audience. */
export function entryFor(entry: JournalEntry, seat: Seat | null): JournalEntry {
  // A recipient who sees every event as it is gets the entry itself: the seats' `unacked` copies of a
  // critical update (matchStarted, kept all race by a client that never acknowledges) were an entry, an
  // event list and its elements per seat, live heap for the whole match (issue 12). Nothing mutates entries.
  return seesWhole(entry.events) ? entry : { seq: entry.seq, events: eventsFor(entry.events, seat) };
}

/** Whether `eventsFor` would hand any recipient every event unchanged: no event names an audience. */
function seesWhole(events: readonly HeldEvent[]): boolean {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e !== undefined && e["to"] !== undefined) return false;
  }
  return true;
}

/**
 * Whether the state hash may be published now. A game with secrets has it withheld while a round is
 * being played: a hash of a state whose only unknowns are a few dice can be brute-forced.
 */
export function hashPublic(game: AnyGame, rec: RoomRecord): boolean {
  return game.secrets === undefined || rec.status !== "playing";
}
