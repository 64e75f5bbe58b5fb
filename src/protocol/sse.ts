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
  private readonly decoder = new TextDecoder();

  /** Feed bytes as they arrive; returns every complete event. */
  push(chunk: Uint8Array): SseMessage[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const out: SseMessage[] = [];
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end < 0) break;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
        else if (line.startsWith("data:")) data.push(line.slice(5));
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
