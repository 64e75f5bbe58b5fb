/**
 * The operator's actions in the I/O-free core: a removed seat forfeits at once whatever the
 * disconnect policy (a multi-seat match goes on without it), the removed player is refused from
 * then on (also after a rebuild from storage), and a closed room refuses everyone with 4011.
 */
import { describe, expect, it } from "vitest";
import { RoomStepper } from "../support/room-stepper";

function liarsDiceForThree() {
  const room = new RoomStepper({ game: "liars-dice", seats: 3, disconnectPolicy: "keep-seat" });
  for (const p of ["p0", "p1", "p2"]) expect(room.connect(`c-${p}`, p).accepted).toBe(true);
  expect(room.core.record.status).toBe("playing");
  return room;
}

describe("operator actions in the room core", () => {
  it("forfeits a removed seat at once under keep-seat, and the match goes on for the others", () => {
    const room = liarsDiceForThree();
    const out = room.removePlayer("p1", "Collusion");
    expect(out).toEqual({ found: true, alreadyRemoved: false, seat: 1, seatOutcome: "forfeited", connectionsClosed: 1 });
    expect(room.closed.get("c-p1")).toEqual({ code: 4009, reason: "Collusion" });
    expect(room.core.record.status).toBe("playing");
    expect(room.core.record.seats[1]?.graceUntil).toBeNull();
    expect(room.actions.filter((e) => e.kind === "forfeit")).toEqual([expect.objectContaining({ seat: 1, reason: "forfeit" })]);
    const last = room.frames("c-p0").filter((f) => f.t === "update").at(-1);
    expect(last?.t === "update" ? last.events[0] : null).toEqual({ type: "playerRemoved", seat: 1 });

    // The removed player is refused, before and after the room is rebuilt from what it saved.
    expect(room.connect("c-p1-again", "p1")).toEqual({ accepted: false, code: 4009, reason: "Collusion" });
    room.restart();
    expect(room.connect("c-p1-later", "p1")).toEqual({ accepted: false, code: 4009, reason: "Collusion" });
    expect(room.connect("c-p1-watch", "p1", "spectator")).toEqual({ accepted: false, code: 4009, reason: "Collusion" });
  });

  it("closes a room for everyone with 4011 and refuses every later join with the reason, also after a rebuild", () => {
    const room = liarsDiceForThree();
    expect(room.connect("c-watch", "w", "spectator").accepted).toBe(true);
    expect(room.closeByOperator("Maintenance")).toEqual({ alreadyClosed: false, reason: "Maintenance", connectionsClosed: 4 });
    for (const c of ["c-p0", "c-p1", "c-p2", "c-watch"]) expect(room.closed.get(c)).toEqual({ code: 4011, reason: "Maintenance" });
    expect(room.core.record).toMatchObject({ status: "closed", result: { winner: null, reason: "abandoned" }, closedBy: { by: "operator", reason: "Maintenance" } });
    // No retention without an archive (the stepper's record, like a deployment without ARCHIVE): nothing scheduled to delete.
    expect(room.core.record.deleteAt).toBeNull();
    room.restart();
    expect(room.connect("c-p0-again", "p0")).toEqual({ accepted: false, code: 4011, reason: "Maintenance" });
    expect(room.closeByOperator("Again")).toEqual({ alreadyClosed: true, reason: "Maintenance", connectionsClosed: 0 });
  });

  it("forfeits a removed runner at the race's current tick, and the race goes on for the others", () => {
    const room = new RoomStepper({ game: "runner", seats: 3, options: { durationSeconds: 20 } }, 7);
    for (let i = 0; i < 3; i++) room.connect(`c${i}`, `p${i}`);
    room.advance(500);
    expect(room.core.record.status).toBe("playing");
    expect(room.removePlayer("p2", "Bot")).toMatchObject({ seat: 2, seatOutcome: "forfeited" });
    expect(room.closed.get("c2")).toEqual({ code: 4009, reason: "Bot" });
    expect(room.actions.filter((e) => e.kind === "forfeit")).toEqual([expect.objectContaining({ seat: 2, tick: expect.any(Number) })]);
    room.advance(30_000);
    expect(room.core.record.status).toBe("finished");
  });

  it("starts the retention window when the room closes, and asks the host to retire it when due", () => {
    const room = liarsDiceForThree();
    room.core.record.retentionMs = 60_000;
    room.core.closeByOperator("Done", room.now);
    expect(room.core.record.deleteAt).toBe(room.now + 60_000);
    room.core.drain();
    room.now += 60_000;
    room.core.wake(room.now);
    const fx = room.core.drain();
    expect(fx.retire).toBe(true);
    // Re-armed a minute out, so a failed archive is tried again by the same timer.
    expect(room.core.record.deleteAt).toBe(room.now + 60_000);
  });
});
