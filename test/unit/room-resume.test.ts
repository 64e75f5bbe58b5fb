import { describe, expect, it } from "vitest";
import { CloseCode, stateHash } from "../../src/protocol";
import { JOURNAL_SIZE } from "../../src/room/core/journal";
import { RoomStepper } from "../support/room-stepper";

function started() {
  const r = new RoomStepper({ mode: "pvp", turnMs: 0 });
  r.connect("c0", "p0");
  r.connect("c1", "p1");
  return r;
}

describe("resume after reconnect, stepped by hand", () => {
  it("replays exactly the updates after the client's last seq, in order, with no duplicates", () => {
    const r = started();
    const w0 = r.last("c0", "welcome");
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    const applied = r.core.record.seq;
    r.disconnect("c0");
    r.send("c1", { t: "input", id: 1, data: { type: "dropDisc", column: 4 } });
    r.connect("c0b", "p0", "player", 1, { session: w0?.session ?? "", lastSeq: applied });
    const w = r.last("c0b", "welcome");
    expect(w?.resume).toEqual({ status: "replayed", fromSeq: applied });
    expect(w?.replay.map((e) => e.seq)).toEqual(Array.from({ length: (w?.seq ?? 0) - applied }, (_, i) => applied + 1 + i));
    expect(w?.replay.flatMap((e) => e.events.map((x) => x.type))).toEqual(["playerDisconnected", "playerMove", "playerReconnected"]);
    expect(w?.stateHash).toBe(stateHash(r.core.record.game));
  });

  it("sends a snapshot, marked as such, when the gap is outside the journal", () => {
    const r = started();
    const session = r.last("c1", "welcome")?.session ?? "";
    // Spectators coming and going do not produce updates, but a player dropping and returning does (two each).
    for (let i = 0; i < JOURNAL_SIZE; i++) {
      r.disconnect(i === 0 ? "c0" : `c0-${i - 1}`);
      r.connect(`c0-${i}`, "p0");
    }
    r.connect("c1b", "p1", "player", 1, { session, lastSeq: 1 });
    const w = r.last("c1b", "welcome");
    expect(w?.resume).toEqual({ status: "snapshot", fromSeq: 1 });
    expect(w?.replay).toEqual([]);
    expect(w?.stateHash).toBe(stateHash(r.core.record.game));
  });

  it("refuses unknown, foreign and impossible resume data with RESUME_REJECTED and changes nothing", () => {
    const r = started();
    const s0 = r.last("c0", "welcome")?.session ?? "";
    const s1 = r.last("c1", "welcome")?.session ?? "";
    const seq = r.core.record.seq;
    const cases = [
      { session: "nope", lastSeq: 0 },
      { session: s1, lastSeq: 0 }, // another seat's session
      { session: s0, lastSeq: seq + 5 }, // ahead of the room
      { session: null, lastSeq: 0 },
    ];
    for (const [i, resume] of cases.entries()) {
      const d = r.connect(`bad${i}`, "p0", "player", 1, resume);
      expect(d).toMatchObject({ accepted: false, code: CloseCode.RESUME_REJECTED });
    }
    const stranger = r.connect("x", "stranger", "player", 1, { session: s0, lastSeq: 0 });
    expect(stranger).toMatchObject({ accepted: false, code: CloseCode.RESUME_REJECTED });
    expect(r.core.record.seq).toBe(seq);
    expect(r.core.conns.all().map((c) => c.connId).sort()).toEqual(["c0", "c1"]);
  });

  it("re-delivers critical updates on every connect until the player acknowledges them", () => {
    const r = started();
    const w = r.last("c0", "welcome");
    const started_ = r.last("c0", "update");
    expect(started_?.critical).toBe(true);
    r.disconnect("c0");
    r.connect("c0b", "p0");
    const again = r.last("c0b", "welcome");
    expect(again?.critical.map((e) => e.events.map((x) => x.type))).toEqual([["playerJoined", "playerConnected", "matchStarted"]]);
    r.send("c0b", { t: "ackCritical", seq: again?.critical[0]?.seq ?? 0 });
    r.disconnect("c0b");
    r.connect("c0c", "p0", "player", 1, { session: w?.session ?? "", lastSeq: 0 });
    expect(r.last("c0c", "welcome")?.critical).toEqual([]);
  });

  it("lets spectators resume by sequence number alone", () => {
    const r = started();
    r.connect("s", "watcher", "spectator");
    const seq = r.core.record.seq;
    r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 0 } });
    r.connect("s2", "watcher", "spectator", 1, { session: null, lastSeq: seq });
    const w = r.last("s2", "welcome");
    expect(w?.resume.status).toBe("replayed");
    expect(w?.replay).toHaveLength(1);
  });
});
