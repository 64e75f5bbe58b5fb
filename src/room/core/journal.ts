/**
 * The room's journal: the events of the most recent updates, by sequence
 * number, kept in memory and in SQLite (same transaction as the record) so a
 * reconnecting client can be replayed exactly what it missed, after
 * hibernation, eviction or a restart. Bounded: a client further behind gets
 * a full snapshot instead.
 */
import { Packr, Unpackr } from "msgpackr";
import type { GameEvent } from "../../games/types";
import type { JournalEntry } from "../../protocol";

/** Updates kept for replay. Connect Four produces well under this many in a whole match. */
export const JOURNAL_SIZE = 256;

/** Event types that are re-delivered until each player acknowledges them. */
export const CRITICAL_EVENTS: ReadonlySet<string> = new Set(["matchStarted", "matchEnded"]);

export function isCritical(events: readonly GameEvent[]): boolean {
  return events.some((e) => CRITICAL_EVENTS.has(e.type));
}

/**
 * Entries are held packed: read back only to replay a resuming client, they were live objects
 * otherwise (an entry, its events list and each event: 26 of a racing room's ~205 live objects at
 * 60 s, up to ~1,000 in a turn-based room's full journal; bench/capacity/heap.ts, 2026-12-07), and
 * what workerd's full collections pay for is objects. Plain msgpack maps, as on the wire; `undefined`
 * kept as itself (not nil) and 64-bit integers as bigints, so what is read back encodes to the same
 * frame as what was appended. msgpackr reads a `__proto__` key as `__proto_`: events have none.
 */
const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "bigint" });

function isEvent(e: unknown): e is GameEvent {
  return typeof e === "object" && e !== null && "type" in e && typeof e.type === "string";
}

function isEntry(x: unknown): x is JournalEntry {
  return typeof x === "object" && x !== null && "seq" in x && typeof x.seq === "number" && "events" in x && Array.isArray(x.events) && x.events.every(isEvent);
}

export class Journal {
  /** The entries packed back to back, oldest first: entry `i` is `bytes[end(i - 1) .. end(i))`. */
  private bytes = new Uint8Array(0);
  /** Entry `i`'s seq at `index[2i]`, where its bytes end at `index[2i + 1]` (one list, not two: one object fewer). */
  private readonly index: number[] = [];

  constructor(entries: JournalEntry[] = []) {
    for (const e of entries.slice(-JOURNAL_SIZE)) this.append(e);
  }

  append(entry: JournalEntry): void {
    // A view into msgpackr's reused buffer: copied in at once.
    const packed = packr.pack(entry);
    const start = this.end(this.index.length / 2 - 1);
    const end = start + packed.byteLength;
    if (end > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(end, this.bytes.byteLength * 2, 256));
      grown.set(this.bytes.subarray(0, start));
      this.bytes = grown;
    }
    this.bytes.set(packed, start);
    this.index.push(entry.seq, end);
    const drop = this.index.length / 2 - JOURNAL_SIZE;
    if (drop > 0) {
      const cut = this.end(drop - 1);
      this.bytes.copyWithin(0, cut, end);
      this.index.splice(0, 2 * drop);
      for (let i = 1; i < this.index.length; i += 2) this.index[i] = (this.index[i] ?? 0) - cut;
    }
  }

  /**
   * Every entry with seq in (after, upTo], or null when the journal no longer
   * holds all of them (the caller then sends a snapshot). Fresh objects on every call.
   */
  since(after: number, upTo: number): JournalEntry[] | null {
    if (after >= upTo) return [];
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.index.length / 2; i++) {
      const seq = this.index[2 * i] ?? 0;
      if (seq <= after || seq > upTo) continue;
      const entry = this.read(i);
      // Our own bytes always read back; if they did not, a snapshot is the safe answer.
      if (entry === null) return null;
      out.push(entry);
    }
    return out.length === upTo - after ? out : null;
  }

  /** Where entry `i`'s bytes end (0 for `i` = -1). */
  private end(i: number): number {
    return i < 0 ? 0 : (this.index[2 * i + 1] ?? 0);
  }

  private read(i: number): JournalEntry | null {
    try {
      const entry: unknown = unpackr.unpack(this.bytes.subarray(this.end(i - 1), this.end(i)));
      return isEntry(entry) ? entry : null;
    } catch {
      return null;
    }
  }
}
