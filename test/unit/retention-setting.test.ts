/** RETENTION_MS as a deployment sets it (src/shared/retention-setting.ts), read alike by the room and /health. */
import { describe, expect, it } from "vitest";
import { readRetentionSetting } from "../../src/shared/retention-setting";

describe("the RETENTION_MS setting", () => {
  it("is a number of milliseconds when it is a whole number of at least 0, as a string or a number", () => {
    expect(readRetentionSetting("900000")).toEqual({ kind: "ms", ms: 900_000 });
    expect(readRetentionSetting(" 60000 ")).toEqual({ kind: "ms", ms: 60_000 });
    expect(readRetentionSetting("0")).toEqual({ kind: "ms", ms: 0 });
    expect(readRetentionSetting(600_000)).toEqual({ kind: "ms", ms: 600_000 });
  });

  it("is unset when it is missing or blank, never 0 ms", () => {
    for (const raw of [undefined, null, "", "   "]) expect(readRetentionSetting(raw)).toEqual({ kind: "unset" });
  });

  it("is invalid for anything else: words, negatives, fractions, booleans, objects", () => {
    for (const raw of ["15 minutes", "-1", "1.5", "NaN", "1e400", true, false, {}, [], -5, 2.5]) expect(readRetentionSetting(raw)).toEqual({ kind: "invalid" });
  });
});
