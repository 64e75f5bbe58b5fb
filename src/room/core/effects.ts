/** What the I/O-free room core asks its host to do, drained after every call. */
import { SnapWriter, type JournalEntry, type ServerFrame } from "../../protocol";
import type { ActionEntry } from "./record";

export interface LogEntry {
  readonly event: string;
  readonly level: "info" | "warn" | "error";
  readonly [field: string]: unknown;
}

/** One binary frame to one connection. */
export interface FrameOut {
  conn: string;
  frame: ServerFrame | Uint8Array;
}

/**
 * What the core produced since the last drain. A drained Effects is the core's own scratch
 * (`EffectsBuffers`): its arrays, their frame entries and the snapshot bytes they point into are cleared
 * and reused by the next drain. Consume it before draining again, and copy what you keep (bytes included).
 * The Durable Object host does: `flush` sends, writes and logs everything synchronously right after
 * `drain()`, before its first `await`; `ws.send` copies the bytes, and the SSE fallback turns them into
 * a base64 string at once (sse-hub.ts), so nothing outlives the flush.
 */
export interface Effects {
  /** Binary frames to send, in order: frames to encode, or bytes already encoded (the same bytes may go to many connections). */
  frames: FrameOut[];
  /** Text frames to send (only the heartbeat "pong"). */
  texts: { conn: string; text: string }[];
  /** Sockets to close, after the frames above are sent. */
  closes: { conn: string; code: number; reason: string }[];
  /** Structured log lines. */
  logs: LogEntry[];
  /** Entries to append to the action log, in the same write as the record. */
  actions: ActionEntry[];
  /** Updates to append to the journal, in the same write as the record. */
  journal: JournalEntry[];
  /** The record changed: write it (with `actions`) before sending anything. */
  persist: boolean;
  /** The retention deadline passed: archive the replay, then delete the room's storage (after `persist`). */
  retire: boolean;
}

export function emptyEffects(): Effects {
  return { frames: [], texts: [], closes: [], logs: [], actions: [], journal: [], persist: false, retire: false };
}

/** A frame entry's placeholder once its batch is cleared (so a pooled entry does not keep an old frame alive). */
const NO_FRAME = new Uint8Array(0);

interface Batch {
  readonly fx: Effects;
  /** Frame entries owned by this batch, reused in order (`fx.frames[i]` is `entries[i]`). */
  readonly entries: FrameOut[];
  /** Snapshot bytes of this batch: the frames in `fx.frames` are views into it. */
  readonly bytes: SnapWriter;
}

/**
 * Two effect batches used in turn, so a plain tick of the real-time loop allocates no effect lists, no
 * `{conn, frame}` entry per connection and no frame bytes (issue 12: with the encoders' copies these
 * were ~0.6 KB per room-tick at 150 rooms, bench/results/tick-jitter-2026-12-06.md). The batch a drain
 * hands out is cleared and written again by the drain after it, hence the rule on `Effects`.
 */
export class EffectsBuffers {
  /** The batch being filled. */
  private cur: Batch = newBatch();
  /** The batch the last drain handed out. */
  private other: Batch = newBatch();

  /** The batch being filled. */
  get fx(): Effects {
    return this.cur.fx;
  }

  /** Where snapshot frames of this batch are encoded (views into it go into `fx.frames`). */
  get bytes(): SnapWriter {
    return this.cur.bytes;
  }

  /** Queue one binary frame, in a reused entry. */
  send(conn: string, frame: ServerFrame | Uint8Array): void {
    const b = this.cur;
    const frames = b.fx.frames;
    const e = b.entries[frames.length];
    if (e === undefined) {
      const fresh = { conn, frame };
      b.entries.push(fresh);
      frames.push(fresh);
      return;
    }
    e.conn = conn;
    e.frame = frame;
    frames.push(e);
  }

  /** Hand out the batch filled so far; the other one, handed out by the previous drain, is cleared and filled next. */
  swap(): Effects {
    const out = this.cur;
    this.cur = this.other;
    this.other = out;
    clear(this.cur);
    return out.fx;
  }
}

/**
 * 256 bytes hold a tick's frames to four connections, keyframes included (a racing runner room's batch
 * peaked at 132 B, bench/results/fx-heap-2026-12-07.md); a room that needs more grows its writers once.
 */
const BATCH_BYTES = 256;

function newBatch(): Batch {
  return { fx: emptyEffects(), entries: [], bytes: new SnapWriter(BATCH_BYTES) };
}

/**
 * Empty the lists. `frames` and `texts` (pongs, when a ping reaches the room) by popping: `length = 0`
 * would drop their backing stores and regrow them at every tick or ping. The others are filled by few
 * drains (a close, a log line, a journal entry, a record write: <1 % of a racing runner room's drains),
 * so they drop theirs: the two batches kept six idle stores, ~1.4 KB per room, for ~1 B per room-tick
 * of regrowth (bench/results/fx-heap-2026-12-07.md).
 */
function clear(b: Batch): void {
  const fx = b.fx;
  while (fx.frames.length > 0) {
    const e = fx.frames.pop();
    if (e) e.frame = NO_FRAME;
  }
  while (fx.texts.length > 0) fx.texts.pop();
  // Only when not empty already: a store to `length` is a runtime call in V8 even when it changes
  // nothing, and these four are empty at almost every drain (0.02–0.05 % of a core at 50 racing rooms
  // in perf with JIT symbols, gone with this check: bench/results/tick-jit-2026-12-07.md).
  if (fx.closes.length !== 0) fx.closes.length = 0;
  if (fx.logs.length !== 0) fx.logs.length = 0;
  if (fx.actions.length !== 0) fx.actions.length = 0;
  if (fx.journal.length !== 0) fx.journal.length = 0;
  fx.persist = false;
  fx.retire = false;
  b.bytes.reset();
}
