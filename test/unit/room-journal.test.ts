/**
 * The journal holds its entries packed (issue 12: an entry, its events list and each event were live
 * objects). A resuming client must be replayed what was appended: the same entries, which put in a
 * frame encode to the same bytes, and exactly the last JOURNAL_SIZE of them.
 */
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/protocol";
import { Journal, JOURNAL_SIZE } from "../../src/room/core/journal";

// As src/protocol/codec.ts packs frames.
const wire = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false, variableMapSize: true });

/** The replay as a client receives it: entries inside a frame's map, as the wire encodes them. */
function onWire(entries: JournalEntry[] | null): Uint8Array {
  return new Uint8Array(wire.pack({ t: "welcome", replay: entries }));
}

function entry(seq: number): JournalEntry {
  return { seq, events: [{ type: "playerMove", seat: seq % 2, column: seq % 7, note: `move ${seq}` }] };
}

describe("the journal", () => {
  it("replays the entries appended, which encode on the wire to the same bytes, whatever their values", () => {
    const appended: JournalEntry[] = [
      { seq: 1, events: [{ type: "playerJoined", seat: 1, name: "Ada" }, { type: "playerConnected", seat: 1 }] },
      { seq: 2, events: [] },
      { seq: 3, events: [{ seat: 0, type: "secret", to: { seat: 0 }, hand: [1, 5, 6], odds: 0.125, big: 2 ** 40, huge: 2n ** 40n, none: null, gone: undefined, deep: { a: [{ b: true }] } }] },
      { seq: 4, events: [{ type: "matchStarted", round: 1, firstSeat: 0, commitment: "ab".repeat(32) }] },
    ];
    const j = new Journal();
    for (const e of appended) j.append(e);
    const replay = j.since(0, 4);
    expect(replay).toEqual(appended);
    expect(onWire(replay)).toEqual(onWire(appended));
    expect(j.since(2, 4)).toEqual(appended.slice(2));
    expect(j.since(4, 4)).toEqual([]);
  });

  it("keeps exactly the last JOURNAL_SIZE entries, and answers null for a gap reaching further back", () => {
    const j = new Journal();
    const n = JOURNAL_SIZE + 40;
    for (let seq = 1; seq <= n; seq++) j.append(entry(seq));
    expect(j.since(n - JOURNAL_SIZE - 1, n)).toBeNull();
    const kept = j.since(n - JOURNAL_SIZE, n);
    expect(kept).toEqual(Array.from({ length: JOURNAL_SIZE }, (_, i) => entry(n - JOURNAL_SIZE + 1 + i)));
  });

  it("starts from the stored entries, the last JOURNAL_SIZE of them, as a rebuilt room does", () => {
    const stored = Array.from({ length: JOURNAL_SIZE + 3 }, (_, i) => entry(i + 1));
    const j = new Journal(stored);
    expect(j.since(3, JOURNAL_SIZE + 3)).toEqual(stored.slice(3));
    expect(j.since(2, JOURNAL_SIZE + 3)).toBeNull();
  });
});
