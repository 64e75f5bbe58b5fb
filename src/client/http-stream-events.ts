/** Reading the HTTP fallback stream's `open` and `close` events (JSON payloads). */

/** Close code for an HTTP connection that ended without a `close` event (as for a WebSocket: abnormal closure). */
export const ABNORMAL = 1006;

/** The open event: the connection id (for the send URL) and its send token (for the send header). */
export function readOpen(data: string): { conn: string; sendToken: string } | null {
  const v = parseJson(data);
  if (typeof v !== "object" || v === null || !("conn" in v) || !("sendToken" in v)) return null;
  const { conn, sendToken } = v;
  return typeof conn === "string" && conn.length > 0 && typeof sendToken === "string" && sendToken.length > 0 ? { conn, sendToken } : null;
}

export function readClose(data: string): { code: number; reason: string } {
  const v = parseJson(data);
  if (typeof v !== "object" || v === null || !("code" in v) || typeof v.code !== "number" || !Number.isInteger(v.code)) {
    return { code: ABNORMAL, reason: "event stream sent an unreadable close event" };
  }
  const reason = "reason" in v && typeof v.reason === "string" ? v.reason : "";
  return { code: v.code, reason };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
