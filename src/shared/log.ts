/**
 * Structured logs: one JSON line per event that matters. Fields that could
 * carry a credential are dropped here, whatever the caller passes.
 */
const SECRET_FIELDS = new Set(["token", "ticket", "authorization", "secret", "jwt"]);

export type LogLevel = "info" | "warn" | "error";

export function logEvent(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const line: Record<string, unknown> = { ts: new Date().toISOString(), level, event };
  for (const [k, v] of Object.entries(fields)) {
    if (k === "level" || k === "event" || k === "ts") continue;
    if (SECRET_FIELDS.has(k.toLowerCase())) continue;
    line[k] = v;
  }
  const text = JSON.stringify(line);
  if (level === "error") console.error(text);
  else if (level === "warn") console.warn(text);
  else console.log(text);
}
