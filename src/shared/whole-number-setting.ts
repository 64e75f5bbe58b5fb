/**
 * A whole-number setting as a deployment sets it (RETENTION_MS, TOKEN_TTL_SECONDS), read the same way
 * wherever it is used: by the room (retention.ts) and by the worker (config.ts and /health's notes).
 * A [vars] entry arrives as a string, or as a number when written without quotes.
 */

/** What the setting says: a whole number within its range, nothing (unset or blank), or nothing usable. */
export type WholeNumberSetting = { readonly kind: "value"; readonly value: number } | { readonly kind: "unset" } | { readonly kind: "invalid" };

export function readWholeNumberSetting(raw: unknown, min: number, max = Number.MAX_SAFE_INTEGER): WholeNumberSetting {
  if (raw === undefined || raw === null) return { kind: "unset" };
  // A blank value is "unset", not 0: Number("") is 0 (a blank RETENTION_MS would delete every closed room at once).
  if (typeof raw === "string" && raw.trim() === "") return { kind: "unset" };
  if (typeof raw !== "string" && typeof raw !== "number") return { kind: "invalid" };
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? { kind: "value", value: n } : { kind: "invalid" };
}
