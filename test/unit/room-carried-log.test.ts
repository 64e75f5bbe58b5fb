/**
 * The applied inputs a real-time room's record carries until they make a batch row are stored as
 * columns (issue 12: one entry object each, with its boxed time, was 3 live objects per input). Records
 * written before hold entries: they must still load, into the same columns, and leave as the same log.
 */
import { Packr, Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { carriedCount, carriedEntries } from "../../src/room/core/carried-log";
import { RoomRecordSchema } from "../../src/room/core/record";
import { RoomStepper } from "../support/room-stepper";
import { sendScriptedInputs } from "../support/scripted-race";

// As the room host's storage packs and unpacks the record (src/room/host/storage.ts).
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

/** A race a few seconds in, written with some applied inputs carried in its record. */
function carryingRoom(): RoomStepper {
  const r = new RoomStepper({ game: "runner", seats: 2, options: { durationSeconds: 20 } });
  r.connect("c0", "p0");
  r.connect("c1", "p1");
  const ids = [0, 0];
  // Players that never miss, until the record carries entries from a write (a checkpoint or an update).
  for (let t = 0; t < 200 && carriedCount(r.durable.pendingLog) === 0; t++) {
    if (r.core.record.status === "playing") sendScriptedInputs(r, ["c0", "c1"], ids);
    r.advance(50);
  }
  expect(r.core.record.status).toBe("playing");
  return r;
}

describe("carried action-log entries", () => {
  it("reads a record whose carried entries an older build stored as entries into the same columns, which leave as the same log", () => {
    const r = carryingRoom();
    const durable = r.durable;
    const entries = carriedEntries(durable.pendingLog);
    expect(entries.length).toBeGreaterThan(0);
    const older = { ...durable, pendingLog: entries };
    const parsed = RoomRecordSchema.safeParse(unpackr.unpack(packr.pack(older)));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.pendingLog).toEqual(durable.pendingLog);
    expect(packr.pack(carriedEntries(parsed.data.pendingLog))).toEqual(packr.pack(entries));
  });

  it("refuses a record that carries an entry other than an applied human input, as a corrupt one", () => {
    const durable = carryingRoom().durable;
    const entries = carriedEntries(durable.pendingLog);
    const older = { ...durable, pendingLog: [...entries, { kind: "forfeit", round: 1, seat: 0, reason: "resign", at: 1 }] };
    expect(RoomRecordSchema.safeParse(unpackr.unpack(packr.pack(older))).success).toBe(false);
    expect(carriedCount(durable.pendingLog)).toBe(entries.length);
  });
});
