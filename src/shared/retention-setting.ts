/**
 * RETENTION_MS as the deployment sets it, read the same way by the room (retention.ts: the window a
 * new room gets) and the worker (/health's notes, config.ts). A [vars] entry arrives as a string, or as
 * a number when written without quotes.
 */

/** What the setting says: a whole number of milliseconds ≥ 0, nothing (unset or blank), or nothing usable. */
export type RetentionSetting = { readonly kind: "ms"; readonly ms: number } | { readonly kind: "unset" } | { readonly kind: "invalid" };

export function readRetentionSetting(raw: unknown): RetentionSetting {
  if (raw === undefined || raw === null) return { kind: "unset" };
  // A blank value is "unset", not 0 ms: Number("") is 0, which would delete every closed room at once.
  if (typeof raw === "string" && raw.trim() === "") return { kind: "unset" };
  if (typeof raw !== "string" && typeof raw !== "number") return { kind: "invalid" };
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? { kind: "ms", ms: n } : { kind: "invalid" };
}
