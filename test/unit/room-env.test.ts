/**
 * The room host's binding reader (src/room/host/room-env.ts): bindings of the right shape are handed
 * on as they are, anything else counts as absent (its feature off), and the retention settings reach
 * retention.ts untouched, which alone decides what a missing, blank or malformed RETENTION_MS means.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_RETENTION_MS } from "../../src/room/core/record";
import { readRoomEnv } from "../../src/room/host/room-env";
import { retentionMs } from "../../src/room/host/retention";

/** Like a runtime binding: its methods on the prototype, not own properties. */
class FakeNamespace {
  idFromName(): void {}
  get(): void {}
}

class FakeBucket {
  put(): void {}
}

describe("the room host's binding reader", () => {
  it("returns the RATINGS and ROOM_INDEX namespaces and the ARCHIVE bucket when they are present", () => {
    const ratings = new FakeNamespace();
    const roomIndex = { idFromName: () => {}, get: () => {} };
    const archive = new FakeBucket();
    const read = readRoomEnv({ RATINGS: ratings, ROOM_INDEX: roomIndex, ARCHIVE: archive, RETENTION_MS: "600000" });
    expect(read.ratings).toBe(ratings);
    expect(read.roomIndex).toBe(roomIndex);
    expect(read.retention.ARCHIVE).toBe(archive);
    expect(retentionMs(read.retention)).toBe(600_000);
  });

  it("gives no bindings and no retention when the env is null, undefined or not an object", () => {
    for (const env of [null, undefined, "RATINGS", 42, true]) {
      const read = readRoomEnv(env);
      expect(read.ratings).toBeUndefined();
      expect(read.roomIndex).toBeUndefined();
      expect(read.retention.ARCHIVE).toBeUndefined();
      expect(retentionMs(read.retention)).toBeNull();
    }
  });

  it("treats missing bindings as absent, which leaves ratings, the directory and retention off", () => {
    const read = readRoomEnv({ RETENTION_MS: "600000" });
    expect(read.ratings).toBeUndefined();
    expect(read.roomIndex).toBeUndefined();
    expect(read.retention.ARCHIVE).toBeUndefined();
    expect(retentionMs(read.retention)).toBeNull();
  });

  it("treats a binding that is not an object as absent", () => {
    for (const value of ["global", 1, true, null]) {
      const read = readRoomEnv({ RATINGS: value, ROOM_INDEX: value, ARCHIVE: value });
      expect(read.ratings).toBeUndefined();
      expect(read.roomIndex).toBeUndefined();
      expect(read.retention.ARCHIVE).toBeUndefined();
    }
  });

  it("treats an object without the methods the room calls as absent", () => {
    const onlyIdFromName = { idFromName: () => {} };
    const onlyGet = { get: () => {} };
    const getNotAFunction = { idFromName: () => {}, get: "stub" };
    for (const value of [{}, onlyIdFromName, onlyGet, getNotAFunction]) {
      const read = readRoomEnv({ RATINGS: value, ROOM_INDEX: value });
      expect(read.ratings).toBeUndefined();
      expect(read.roomIndex).toBeUndefined();
    }
    expect(readRoomEnv({ ARCHIVE: { get: () => {} } }).retention.ARCHIVE).toBeUndefined();
    expect(readRoomEnv({ ARCHIVE: { put: "bucket" } }).retention.ARCHIVE).toBeUndefined();
  });

  it("uses the 15-minute default when RETENTION_MS is missing", () => {
    expect(retentionMs(readRoomEnv({ ARCHIVE: new FakeBucket() }).retention)).toBe(DEFAULT_RETENTION_MS);
  });

  it("uses the 15-minute default when RETENTION_MS is malformed, blank or not a string or number", () => {
    // Blank and `true` used to read as 0 ms and 1 ms (Number("") is 0): a blanked setting deleted every closed room at once.
    for (const value of ["fifteen minutes", "-1", "1.5", "NaN", {}, null, "", "  ", true]) {
      expect(retentionMs(readRoomEnv({ ARCHIVE: new FakeBucket(), RETENTION_MS: value }).retention)).toBe(DEFAULT_RETENTION_MS);
    }
  });

  it("reads a numeric RETENTION_MS with Number, as retention.ts did before", () => {
    expect(retentionMs(readRoomEnv({ ARCHIVE: new FakeBucket(), RETENTION_MS: 60_000 }).retention)).toBe(60_000);
    expect(retentionMs(readRoomEnv({ ARCHIVE: new FakeBucket(), RETENTION_MS: "0" }).retention)).toBe(0);
  });

  it("names the bindings that are set but are not bindings of the expected kind, and none that are absent or right", () => {
    expect(readRoomEnv({ RATINGS: new FakeNamespace(), ARCHIVE: new FakeBucket() }).ignored).toEqual([]);
    expect(readRoomEnv({}).ignored).toEqual([]);
    expect(readRoomEnv({ RATINGS: null, ROOM_INDEX: undefined }).ignored).toEqual([]);
    const read = readRoomEnv({ RATINGS: "ratings", ROOM_INDEX: { get: () => {} }, ARCHIVE: new FakeNamespace() });
    expect(read.ignored).toEqual(["RATINGS", "ROOM_INDEX", "ARCHIVE"]);
    expect(read.ratings).toBeUndefined();
    expect(read.roomIndex).toBeUndefined();
    expect(read.retention.ARCHIVE).toBeUndefined();
  });
});
