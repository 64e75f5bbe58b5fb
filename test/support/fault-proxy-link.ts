/**
 * One direction of a proxied TCP connection, conditioned like a bad network
 * link: added delay with seeded jitter, re-chunking into small writes, and a
 * byte-rate limit. Bytes are never reordered: TCP guarantees order within a
 * stream, so a proxy that reordered would simulate a network that cannot exist.
 */
import type { Socket } from "node:net";
import { Rng, mixSeed } from "../../src/games/rng";

export type Direction = "up" | "down";

export interface LinkSettings {
  /** Fixed delay added to every chunk, in milliseconds. */
  delayMs: number;
  /** Each chunk additionally waits a seeded uniform integer in [0, jitterMs]. */
  jitterMs: number;
  /** Forward in writes of at most this many bytes (0 = as received). */
  sliceBytes: number;
  /** Average forwarding rate limit in bytes per second (0 = unlimited). */
  throttleBytesPerSec: number;
}

export const IDEAL_LINK: Readonly<LinkSettings> = { delayMs: 0, jitterMs: 0, sliceBytes: 0, throttleBytesPerSec: 0 };

/** Seed of one lane's generator; each lane owns its own so up/down traffic cannot perturb each other's schedule. */
export function laneSeed(proxySeed: number, connectionId: number, direction: Direction): number {
  return mixSeed(mixSeed(proxySeed, connectionId), direction === "up" ? 1 : 2);
}

/** The delay for the next chunk. Draws from `rng` only when jitter is on. */
export function chunkDelay(link: LinkSettings, rng: Rng): number {
  return link.delayMs + (link.jitterMs > 0 ? rng.int(Math.floor(link.jitterMs) + 1) : 0);
}

/** Pure: the delays a lane applies to its first `count` chunks, for a given proxy seed. */
export function delaySchedule(proxySeed: number, connectionId: number, direction: Direction, link: LinkSettings, count: number): number[] {
  const rng = new Rng(laneSeed(proxySeed, connectionId, direction));
  return Array.from({ length: count }, () => chunkDelay(link, rng));
}

// Stop reading the source when this much is queued, so a slow link applies
// backpressure to the sender instead of buffering without bound.
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;
// Keep a bounded history of applied delays for determinism checks.
const DELAY_HISTORY = 4096;
// Under a throttle, never write more than ~1/50 s worth of bytes at once.
const THROTTLE_BURSTS_PER_SEC = 50;

interface Pending {
  data: Buffer;
  due: number;
}

export class Lane {
  /** Delays applied to the first chunks, in arrival order. */
  readonly delays: number[] = [];
  /** Bytes handed to the destination socket (write completed). */
  forwarded = 0;
  /** Number of write() calls made on the destination socket. */
  writes = 0;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private lastDue = 0;
  private nextFreeAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing = false;
  private halted = false;
  private sealed = false;
  private ending = false;
  private pausedSource = false;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    public link: LinkSettings,
    private readonly rng: Rng,
  ) {}

  /** Queue a chunk; it is written after its delay, and never before any earlier chunk. */
  push(data: Buffer): void {
    if (this.halted || this.sealed || this.ending || data.length === 0) return;
    const delay = chunkDelay(this.link, this.rng);
    if (this.delays.length < DELAY_HISTORY) this.delays.push(delay);
    // max() with the previous due time is what keeps order under jitter.
    const due = Math.max(performance.now() + delay, this.lastDue);
    this.lastDue = due;
    this.queue.push({ data, due });
    this.queuedBytes += data.length;
    if (this.queuedBytes > HIGH_WATER && !this.pausedSource) {
      this.pausedSource = true;
      this.src.pause();
    }
    this.pump();
  }

  /** Accept no more chunks; what is queued still goes out. */
  seal(): void {
    this.sealed = true;
  }

  /** After the queue drains, send FIN to the destination (propagates a half-close). */
  endAfterDrain(): void {
    this.ending = true;
    if (this.halted) this.dst.end();
    else this.pump();
  }

  /** Resolves once everything queued has been written to the destination. */
  whenDrained(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Drop everything queued and never write again; cancels the pending timer. */
  halt(): void {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queuedBytes = 0;
  }

  private idle(): boolean {
    return this.queue.length === 0 && !this.writing;
  }

  private pump(): void {
    if (this.halted || this.writing || this.timer) return;
    const head = this.queue[0];
    if (!head) return this.settle();
    const now = performance.now();
    const wait = Math.max(head.due, this.nextFreeAt) - now;
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, Math.ceil(wait));
      this.timer.unref();
      return;
    }
    const piece = this.takePiece(head);
    const rate = this.link.throttleBytesPerSec;
    if (rate > 0) this.nextFreeAt = Math.max(now, this.nextFreeAt) + (piece.length * 1000) / rate;
    // One write in flight at a time: with slicing this makes each slice its own
    // send() instead of letting the stream coalesce them into one.
    this.writing = true;
    this.writes++;
    this.dst.write(piece, (err) => {
      this.writing = false;
      if (err || this.halted) return; // the connection reacts to the socket's 'error'
      this.forwarded += piece.length;
      this.pump();
    });
  }

  private takePiece(head: Pending): Buffer {
    let max = this.link.sliceBytes > 0 ? this.link.sliceBytes : Infinity;
    const rate = this.link.throttleBytesPerSec;
    if (rate > 0) max = Math.min(max, Math.max(1, Math.floor(rate / THROTTLE_BURSTS_PER_SEC)));
    const piece = head.data.length <= max ? head.data : head.data.subarray(0, max);
    head.data = head.data.subarray(piece.length);
    if (head.data.length === 0) this.queue.shift();
    this.queuedBytes -= piece.length;
    if (this.pausedSource && this.queuedBytes <= LOW_WATER && !this.sealed) {
      this.pausedSource = false;
      this.src.resume();
    }
    return piece;
  }

  private settle(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    if (this.ending && !this.dst.writableEnded) this.dst.end();
  }
}
