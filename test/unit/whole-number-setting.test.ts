/** Whole-number settings as a deployment sets them (src/shared/whole-number-setting.ts), read alike by the room and /health. */
import { describe, expect, it } from "vitest";
import { readWholeNumberSetting } from "../../src/shared/whole-number-setting";

/** RETENTION_MS's range: any whole number of milliseconds from 0. */
const retention = (raw: unknown) => readWholeNumberSetting(raw, 0);

describe("a whole-number setting such as RETENTION_MS", () => {
  it("is a number when it is a whole number of at least 0, as a string or a number", () => {
    expect(retention("900000")).toEqual({ kind: "value", value: 900_000 });
    expect(retention(" 60000 ")).toEqual({ kind: "value", value: 60_000 });
    expect(retention("0")).toEqual({ kind: "value", value: 0 });
    expect(retention(600_000)).toEqual({ kind: "value", value: 600_000 });
  });

  it("is unset when it is missing or blank, never 0", () => {
    for (const raw of [undefined, null, "", "   "]) expect(retention(raw)).toEqual({ kind: "unset" });
  });

  it("is invalid for anything else: words, negatives, fractions, booleans, objects", () => {
    for (const raw of ["15 minutes", "-1", "1.5", "NaN", "1e400", true, false, {}, [], -5, 2.5]) expect(retention(raw)).toEqual({ kind: "invalid" });
  });

  it("is invalid outside its range, as TOKEN_TTL_SECONDS below 60 s or above 30 days", () => {
    expect(readWholeNumberSetting("30", 60, 30 * 86400)).toEqual({ kind: "invalid" });
    expect(readWholeNumberSetting(String(30 * 86400 + 1), 60, 30 * 86400)).toEqual({ kind: "invalid" });
    expect(readWholeNumberSetting("86400", 60, 30 * 86400)).toEqual({ kind: "value", value: 86_400 });
  });
});
