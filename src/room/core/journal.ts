/**
 * The room's journal: the events of the most recent updates, by sequence
 * number, kept in memory and in SQLite (same transaction as the record) so a
 * reconnecting client can be replayed exactly what it missed, after
 * hibernation, eviction or a restart. Bounded: a client further behind gets
 * a full snapshot instead.
 */
import type { GameEvent } from "../../games/types";
import type { JournalEntry } from "../../protocol";

/** Updates kept for replay. Connect Four produces well under this many in a whole match. */
export const JOURNAL_SIZE = 256;

/** Event types that are re-delivered until each player acknowledges them. */
export const CRITICAL_EVENTS: ReadonlySet<string> = new Set(["matchStarted", "matchEnded"]);

export function isCritical(events: readonly GameEvent[]): boolean {
  return events.some((e) => CRITICAL_EVENTS.has(e.type));
}

export class Journal {
  private entries: JournalEntry[];

  constructor(entries: JournalEntry[] = []) {
    this.entries = entries.slice(-JOURNAL_SIZE);
  }

  append(entry: JournalEntry): void {
    this.entries.push(entry);
    if (this.entries.length > JOURNAL_SIZE) this.entries.splice(0, this.entries.length - JOURNAL_SIZE);
  }

  /**
   * Every entry with seq in (after, upTo], or null when the journal no longer
   * holds all of them (the caller then sends a snapshot).
   */
  since(after: number, upTo: number): JournalEntry[] | null {
    if (after >= upTo) return [];
    const out = this.entries.filter((e) => e.seq > after && e.seq <= upTo);
    return out.length === upTo - after ? out : null;
  }
}
