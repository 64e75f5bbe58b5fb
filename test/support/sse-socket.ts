/**
 * A test client for the HTTP fallback transport that looks like a socket:
 * reads the SSE stream, feeds decoded frames into a TestSocket, and POSTs
 * frames. Works in workerd (SELF.fetch) and Node (global fetch).
 */
import { encodeFrame, SseParser, sseFrameBytes, type ClientFrame } from "../../src/protocol";
import type { Fetch } from "./api";
import { TestSocket, type MinimalSocket } from "./test-socket";

export class SseSocket implements MinimalSocket {
  private listeners: { message: ((ev: { data: unknown }) => void)[]; close: ((ev: { code: number; reason: string }) => void)[] } = { message: [], close: [] };
  conn = "";
  sendToken = "";
  readonly opened: Promise<void>;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;

  constructor(
    private readonly fetch: Fetch,
    private readonly sendUrl: (conn: string) => string,
    body: ReadableStream<Uint8Array>,
  ) {
    let markOpen: () => void = () => undefined;
    this.opened = new Promise((r) => (markOpen = r));
    void this.pump(body, markOpen);
  }

  addEventListener(type: "message" | "close", fn: (ev: never) => void): void {
    (this.listeners[type] as ((ev: never) => void)[]).push(fn);
  }

  send(data: ArrayBufferLike | ArrayBufferView | string): void {
    const body = typeof data === "string" ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(0);
    void this.fetch(this.sendUrl(this.conn), {
      method: "POST",
      headers: { "Content-Type": typeof data === "string" ? "text/plain" : "application/msgpack", "Edgeroom-Send-Token": this.sendToken },
      body,
    }).then((r) => r.arrayBuffer());
  }

  close(): void {
    void this.reader?.cancel();
  }

  private async pump(body: ReadableStream<Uint8Array>, markOpen: () => void): Promise<void> {
    const parser = new SseParser();
    const reader = body.getReader();
    this.reader = reader;
    let closeEv = { code: 1006, reason: "stream ended" };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const m of parser.push(value)) {
          if (m.event === "open") {
            ({ conn: this.conn, sendToken: this.sendToken } = JSON.parse(m.data) as { conn: string; sendToken: string });
            markOpen();
          } else if (m.event === "frame") {
            const bytes = sseFrameBytes(m.data);
            if (bytes) for (const fn of this.listeners.message) fn({ data: bytes.buffer });
          } else if (m.event === "pong" || m.event === "text") {
            for (const fn of this.listeners.message) fn({ data: m.data });
          } else if (m.event === "close") {
            closeEv = JSON.parse(m.data) as { code: number; reason: string };
          }
        }
      }
    } catch {
      // cancelled
    }
    markOpen();
    for (const fn of this.listeners.close) fn(closeEv);
  }
}

/** Open the fallback transport and wrap it like a WebSocket test client. */
export async function openSse(fetch: Fetch, base: string, matchId: string, ticket: string, extra = ""): Promise<{ sock: TestSocket; raw: SseSocket }> {
  const res = await fetch(`${base}/api/matches/${matchId}/sse?ticket=${encodeURIComponent(ticket)}&v=1${extra}`);
  if (!res.body) throw new Error(`sse: ${res.status}`);
  const raw = new SseSocket(fetch, (conn) => `${base}/api/matches/${matchId}/send?conn=${conn}`, res.body);
  const sock = new TestSocket(raw);
  await raw.opened;
  return { sock, raw };
}

export function sendFrame(raw: SseSocket, frame: ClientFrame): void {
  raw.send(encodeFrame(frame));
}
