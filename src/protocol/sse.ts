/**
 * Incremental parser for the HTTP fallback transport's server-sent events
 * (the subset Edgeroom emits: `event:` and `data:` lines, blank-line
 * terminated), for clients without EventSource (Node) or that prefer fetch
 * streaming. Frames arrive as base64 msgpack in `frame` events.
 */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

export class SseParser {
  private buffer = "";
  private pendingCr = false;
  private readonly decoder = new TextDecoder();

  /** Feed bytes as they arrive; returns every complete event. */
  push(chunk: Uint8Array): SseMessage[] {
    let text = this.decoder.decode(chunk, { stream: true });
    // Lines may end in CRLF, LF or CR (the SSE spec allows all three, and a proxy may rewrite them).
    // A chunk ending in CR has ended its line; an LF opening the next chunk belongs to that CR.
    if (text.length === 0) return [];
    if (this.pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.pendingCr = text.endsWith("\r");
    this.buffer += text.replace(/\r\n?/g, "\n");
    const out: SseMessage[] = [];
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end < 0) break;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        // "field: value" or "field:value" (one optional space); comments (":…") and other fields are ignored.
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const field = line.slice(0, colon);
        const value = line.slice(line[colon + 1] === " " ? colon + 2 : colon + 1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      out.push({ event, data: data.join("\n") });
    }
    return out;
  }
}

/** Decode a `frame` event's base64 payload to the frame bytes. */
export function sseFrameBytes(data: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Header carrying the per-connection send token of the HTTP fallback (from the stream's `open` event).
 * A header, not a query parameter, so it never lands in a URL or an access log.
 */
export const SEND_TOKEN_HEADER = "Edgeroom-Send-Token";
