/**
 * A bare WebSocket client over a TCP socket (RFC 6455 by hand) for what library clients will not
 * do: offer any extension header verbatim, keep sending after the server's close frame, and never
 * answer that close. Client frames are masked (with a zero mask: the bytes stay readable).
 */
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";

export interface RawFrame {
  opcode: number;
  /** The payload, inflated when the frame was compressed (RSV1; no context takeover is offered by sendDeflated's users). */
  payload: Buffer;
  compressed: boolean;
}

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

export class RawWebSocket {
  readonly frames: RawFrame[] = [];
  private buf = Buffer.alloc(0);
  private waiters: { match: (f: RawFrame) => boolean; resolve: (f: RawFrame) => void }[] = [];

  private constructor(
    private readonly sock: Socket,
    /** The 101 response's header lines, lower-cased names. */
    readonly headers: ReadonlyMap<string, string>,
    rest: Buffer,
  ) {
    sock.on("data", (d: Buffer) => this.onData(d));
    this.onData(rest);
  }

  static open(url: string, extraHeaders: Record<string, string> = {}): Promise<RawWebSocket> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const sock = connect(Number(u.port), u.hostname);
      const lines = [`GET ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`, "Sec-WebSocket-Version: 13"];
      for (const [k, v] of Object.entries(extraHeaders)) lines.push(`${k}: ${v}`);
      sock.write(lines.join("\r\n") + "\r\n\r\n");
      let head = Buffer.alloc(0);
      const onHead = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        sock.off("data", onHead);
        const [status, ...fields] = head.subarray(0, end).toString("latin1").split("\r\n");
        if (!status?.includes(" 101 ")) return reject(new Error(`upgrade refused: ${status}`));
        const headers = new Map(fields.map((f) => [f.slice(0, f.indexOf(":")).trim().toLowerCase(), f.slice(f.indexOf(":") + 1).trim()]));
        resolve(new RawWebSocket(sock, headers, head.subarray(end + 4)));
      };
      sock.on("data", onHead);
      sock.once("error", reject);
    });
  }

  /** A masked client frame (opcode 2 binary, 1 text, 8 close). */
  send(payload: Uint8Array, opcode = 2, rsv1 = false): void {
    const n = payload.length;
    const b0 = 0x80 | (rsv1 ? 0x40 : 0) | opcode;
    const header = n < 126 ? Buffer.from([b0, 0x80 | n]) : Buffer.from([b0, 0x80 | 126, n >> 8, n & 0xff]);
    this.sock.write(Buffer.concat([header, Buffer.alloc(4), payload]));
  }

  /** A permessage-deflate binary message (RFC 7692 §7.2.1: deflate, sync flush, tail removed); returns its wire size. */
  sendDeflated(payload: Uint8Array): number {
    const deflated = deflateRawSync(payload, { finishFlush: constants.Z_SYNC_FLUSH });
    const body = deflated.subarray(0, deflated.length - TAIL.length);
    this.send(body, 2, true);
    return body.length;
  }

  /** Resolves with the first frame (already received or to come) that matches. */
  next(match: (f: RawFrame) => boolean): Promise<RawFrame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  destroy(): void {
    this.sock.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 2) return;
      const b1 = this.buf[1] ?? 0;
      let len = b1 & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (this.buf.length < off + len) return;
      const b0 = this.buf[0] ?? 0;
      const raw = this.buf.subarray(off, off + len);
      const compressed = (b0 & 0x40) !== 0;
      const frame = { opcode: b0 & 0x0f, payload: compressed ? inflateRawSync(Buffer.concat([raw, TAIL]), { finishFlush: constants.Z_SYNC_FLUSH }) : raw, compressed };
      this.buf = this.buf.subarray(off + len);
      this.frames.push(frame);
      for (const w of this.waiters.filter((w) => w.match(frame))) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  }
}
