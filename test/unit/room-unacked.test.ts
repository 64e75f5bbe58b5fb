/**
 * Seats with nothing unacknowledged share one frozen empty `unacked` list (issue 12: a list of its own
 * per seat was a live object each). It must be the list such a seat holds however it got there, and
 * the stored record must not change.
 */
import { describe, expect, it } from "vitest";
import { NO_UNACKED } from "../../src/room/core/record";
import { RoomStepper } from "../support/room-stepper";

function started(): RoomStepper {
  const r = new RoomStepper({ mode: "pvp", turnMs: 0 });
  r.connect("c0", "p0");
  r.connect("c1", "p1");
  return r;
}

describe("a seat's unacknowledged updates", () => {
  it("are the shared empty list in a new room, once acknowledged, and after a rebuild from storage", () => {
    const fresh = new RoomStepper({ mode: "pvp", turnMs: 0 });
    expect(fresh.core.record.seats.every((s) => s.unacked === NO_UNACKED)).toBe(true);
    const r = started();
    const seq = r.core.record.seats[0]?.unacked[0]?.seq ?? 0;
    expect(seq).toBeGreaterThan(0);
    r.send("c0", { t: "ackCritical", seq });
    r.send("c1", { t: "ackCritical", seq });
    expect(r.core.record.seats.map((s) => s.unacked === NO_UNACKED)).toEqual([true, true]);
    r.restart();
    expect(r.core.record.seats.map((s) => s.unacked === NO_UNACKED)).toEqual([true, true]);
  });

  it("is the shared empty list for a seat the operator freed while the room waited", () => {
    const r = new RoomStepper({ mode: "pvp", turnMs: 0 });
    r.connect("c0", "p0");
    const seat = r.core.record.seats[0];
    if (seat) seat.unacked = [{ seq: 1, events: [] }];
    r.removePlayer("p0", "test");
    expect(r.core.record.seats[0]?.unacked).toBe(NO_UNACKED);
  });

  it("still keeps and re-delivers a critical update after a seat acknowledged everything before it", () => {
    const r = started();
    const first = r.core.record.seats[1]?.unacked[0]?.seq ?? 0;
    r.send("c1", { t: "ackCritical", seq: first });
    r.send("c0", { t: "resign", id: 1 });
    expect(r.core.record.seats[1]?.unacked.map((e) => e.events.some((x) => x.type === "matchEnded"))).toEqual([true]);
    expect(() => NO_UNACKED.push({ seq: 1, events: [] })).toThrow(TypeError);
  });
});
