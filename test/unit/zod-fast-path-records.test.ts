/**
 * The zod fast path on the wake path (issue 12): a room's stored record and its sockets' attachments are
 * taken as they are when zod would return them unchanged, so a wake does not run zod (and, the first
 * time in an isolate, zod's lazy set-up of every nested schema). Real records from stepped rooms must
 * take it; any change to them either still passes zod unchanged or goes to zod.
 */
import fc from "fast-check";
import { Packr, Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { acceptsAsIs } from "../../src/protocol/zod-fast-path";
import { zodAsIs } from "../support/zod-as-is";
import { ConnInfoSchema } from "../../src/room/core/connections";
import { carriedEntries } from "../../src/room/core/carried-log";
import { RoomRecordSchema } from "../../src/room/core/record";
import { RoomStepper } from "../support/room-stepper";
import { sendScriptedInputs } from "../support/scripted-race";

// As the room host's storage packs and unpacks the record (src/room/host/storage.ts).
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });
const stored = (v: unknown): unknown => unpackr.unpack(packr.pack(v));

function racingRecord(): unknown {
  const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: 20 } }, 5);
  const conns = ["c0", "c1", "c2", "c3"];
  conns.forEach((c, i) => r.connect(c, `p${i}`));
  r.connect("s0", "watcher", "spectator");
  const ids = [0, 0, 0, 0];
  for (let t = 0; t < 120; t++) {
    if (r.core.record.status === "playing") sendScriptedInputs(r, conns, ids);
    r.advance(50);
  }
  expect(r.core.record.status).toBe("playing");
  return stored(r.durable);
}

function connectFourRecord(finished: boolean): unknown {
  const r = new RoomStepper({ mode: "pvp" }, 9);
  r.connect("c0", "p0");
  r.connect("c1", "p1");
  r.send("c0", { t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
  r.send("c1", { t: "input", id: 1, data: { type: "dropDisc", column: 4 } });
  if (finished) r.send("c0", { t: "resign", id: 2 });
  r.advance(10);
  expect(r.core.record.status).toBe(finished ? "finished" : "playing");
  return stored(r.durable);
}

/** The value with the thing at a random path replaced, removed, or given an extra key. */
function mutate(value: unknown, picks: readonly number[], change: number, replacement: unknown): unknown {
  const copy: unknown = structuredClone(value);
  let parent: unknown = null;
  let key: string | number | null = null;
  let cur = copy;
  for (const p of picks) {
    if (typeof cur !== "object" || cur === null) break;
    const keys = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
    if (keys.length === 0) break;
    parent = cur;
    key = keys[p % keys.length] ?? null;
    cur = key === null ? undefined : Reflect.get(cur, key);
  }
  if (parent === null || key === null || typeof parent !== "object") return replacement;
  if (change === 0) Reflect.deleteProperty(parent, key);
  else if (change === 1 && typeof cur === "object" && cur !== null && !Array.isArray(cur)) Reflect.set(cur, "extra", replacement);
  else Reflect.set(parent, key, replacement);
  return copy;
}

const replacement = fc.oneof(fc.anything(), fc.constantFrom(undefined, null, 0, -1, 1.5, "", "x", true, [], {}, [1, null, "a", null], NaN));
const mutation = fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.nat(2), replacement);

describe("the zod fast path on a room's stored record and its sockets' attachments", () => {
  const records: [string, unknown][] = [
    ["a 4-player race with a spectator, 6 s in", racingRecord()],
    ["a Connect Four match in play", connectFourRecord(false)],
    ["a finished Connect Four match", connectFourRecord(true)],
  ];

  for (const [name, record] of records) {
    it(`takes a stored record as it is, which zod also returns unchanged: ${name}`, () => {
      expect(zodAsIs(RoomRecordSchema, record)).toBe(true);
      expect(acceptsAsIs(RoomRecordSchema, record)).toBe(true);
    });

    it(`accepts a changed record as is only when zod returns it unchanged: ${name}`, () => {
      let refused = 0;
      fc.assert(
        fc.property(mutation, ([picks, change, value]) => {
          const changed = mutate(record, picks, change, value);
          if (acceptsAsIs(RoomRecordSchema, changed)) expect(zodAsIs(RoomRecordSchema, changed)).toBe(true);
          else refused += 1;
        }),
        { numRuns: 3000 },
      );
      expect(refused).toBeGreaterThan(100);
    });
  }

  it("leaves records an older build wrote (carried log as entries, a default to fill in) to zod", () => {
    const race = racingRecord();
    if (typeof race !== "object" || race === null || !("pendingLog" in race)) throw new Error("no record");
    const withEntries = stored({ ...race, pendingLog: carriedEntries(RoomRecordSchema.parse(race).pendingLog) });
    expect(acceptsAsIs(RoomRecordSchema, withEntries)).toBe(false);
    expect(RoomRecordSchema.safeParse(withEntries).success).toBe(true);
    const { deleteAt: _gone, ...withoutDeleteAt } = RoomRecordSchema.parse(race);
    expect(acceptsAsIs(RoomRecordSchema, withoutDeleteAt)).toBe(false);
    expect(RoomRecordSchema.parse(withoutDeleteAt).deleteAt).toBe(null);
  });

  it("takes an attachment as it is when zod returns it unchanged, and only then", () => {
    const infos = [
      { connId: "c-1", playerId: "guest_a", name: "Ann", role: "player", seat: 0, connectedAt: 1_796_000_000_000 },
      { connId: "c-2", playerId: "guest_b", name: "", role: "spectator", seat: null, connectedAt: 0 },
    ];
    for (const info of infos) expect(acceptsAsIs(ConnInfoSchema, stored(info))).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...infos), mutation, (info, [picks, change, value]) => {
        const changed = mutate(info, picks, change, value);
        if (acceptsAsIs(ConnInfoSchema, changed)) expect(zodAsIs(ConnInfoSchema, changed)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
