/**
 * A seat's remembered input outcomes are one flat array (issue 12, "rooms per core": as one small array
 * per outcome they were the largest part of a racing room's live heap). Records written before that hold
 * them as [id, seq, code, message] tuples: they must still load, and answer re-sent ids exactly.
 */
import { Packr, Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import type { RunnerState } from "../../src/games/runner";
import type { ServerFrame } from "../../src/protocol";
import { OUTCOME_SLOTS, findOutcome, rememberOutcome, type OutcomeSlot } from "../../src/room/core/outcomes";
import { CHECKPOINT_MS } from "../../src/room/core/realtime-play";
import { RoomRecordSchema } from "../../src/room/core/record";
import { RoomStepper } from "../support/room-stepper";

// As the room host's storage packs and unpacks the record (src/room/host/storage.ts).
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

const tickOf = (r: RoomStepper) => (r.core.record.game as RunnerState).tick;

function answers(r: RoomStepper, conn: string, id: number): ServerFrame[] {
  return r.frames(conn).filter((f) => (f.t === "ack" || f.t === "gameError") && f.id === id);
}

/** The flat outcomes as the build before wrote them: one tuple per outcome. */
function asTuples(flat: readonly OutcomeSlot[]): OutcomeSlot[][] {
  const out: OutcomeSlot[][] = [];
  for (let i = 0; i < flat.length; i += OUTCOME_SLOTS) out.push(flat.slice(i, i + OUTCOME_SLOTS));
  return out;
}

describe("remembered input outcomes", () => {
  it("keeps a seat's newest outcomes oldest first, reusing one array once it is full", () => {
    let recent: OutcomeSlot[] = [];
    for (let id = 1; id <= 32; id++) recent = rememberOutcome(recent, 32, id, id * 10, null, null);
    const full = recent;
    recent = rememberOutcome(recent, 32, 33, null, "ROUND_ENDED", "gone");
    recent = rememberOutcome(recent, 32, 34, 340, null, null);
    expect(recent).toBe(full);
    expect(recent).toHaveLength(32 * OUTCOME_SLOTS);
    expect(recent.slice(0, 8)).toEqual([3, 30, null, null, 4, 40, null, null]);
    expect(recent.slice(-8)).toEqual([33, null, "ROUND_ENDED", "gone", 34, 340, null, null]);
    expect(findOutcome(recent, 2)).toBe(-1);
    expect(findOutcome(recent, 33)).toBe(30 * OUTCOME_SLOTS);
  });

  it("cuts an older build's 64 remembered outcomes to the newest 32 at the next outcome", () => {
    const older: OutcomeSlot[] = [];
    for (let id = 1; id <= 64; id++) older.push(id, id, null, null);
    const recent = rememberOutcome(older, 32, 65, 65, null, null);
    expect(recent).toHaveLength(32 * OUTCOME_SLOTS);
    expect(recent[0]).toBe(34);
    expect(recent.slice(-4)).toEqual([65, 65, null, null]);
  });

  it("loads a record whose outcomes an older build stored as tuples, and answers re-sent ids from them exactly", () => {
    const r = new RoomStepper({ game: "runner", seats: 2, options: { durationSeconds: 20 } });
    r.connect("c0", "p0");
    r.connect("c1", "p1");
    r.advance(3_500);
    const tick = tickOf(r) + 2;
    r.send("c0", { t: "input", id: 1, data: { tick } });
    r.send("c0", { t: "input", id: 2, data: { tick: "soon" } });
    r.advance(CHECKPOINT_MS + 100);
    const durable = r.durable;
    const flat = durable.seats[0]?.recent ?? [];
    expect(flat).toHaveLength(2 * OUTCOME_SLOTS);
    // Stored as the build before stored it, read back as the host reads it.
    const older = { ...durable, seats: durable.seats.map((s) => ({ ...s, recent: asTuples(s.recent) })) };
    const parsed = RoomRecordSchema.safeParse(unpackr.unpack(packr.pack(older)));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.seats[0]?.recent).toEqual(flat);
    Object.assign(durable, parsed.data);
    r.restart();
    r.connect("c0b", "p0", "player", 1, { session: "session-p0", lastSeq: 0 });
    r.send("c0b", { t: "input", id: 1, data: { tick } });
    r.send("c0b", { t: "input", id: 2, data: { tick: "soon" } });
    expect(answers(r, "c0b", 1)).toEqual([{ t: "ack", id: 1, seq: null, tick, dup: true }]);
    expect(answers(r, "c0b", 2)).toEqual([expect.objectContaining({ t: "gameError", code: "INVALID_INPUT", dup: true })]);
  });
});
