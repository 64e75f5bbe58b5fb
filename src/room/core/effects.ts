/** What the I/O-free room core asks its host to do, drained after every call. */
import { SnapWriter, type JournalEntry, type ServerFrame } from "../../protocol";
import type { ActionEntry } from "./record";

export interface LogEntry {
  readonly event: string;
  readonly level: "info" | "warn" | "error";
  readonly [field: string]: unknown;
}

/**
 * What the core produced since the last drain. A drained Effects is the core's own scratch
 * (`EffectsBuffers`): its arrays and the snapshot bytes their frames point into are cleared
 * and written over as soon as the core is called again (any entry point, `drain()` included). Consume it
 * before calling the core again, and copy what you keep (bytes included). The Durable Object host does:
 * `flush` sends, writes and logs everything synchronously right after `drain()`, before its first
 * `await` and before any other call into the core; `ws.send` copies the bytes, and the SSE fallback
 * turns them into a base64 string at once (sse-hub.ts), so nothing outlives the flush.
 */
export interface Effects {
  /** Binary frames to send, in order: frames to encode, or bytes already encoded (the same bytes may go to many connections). */
  frames: (ServerFrame | Uint8Array)[];
  /**
   * The connection each of `frames` goes to (`frames[i]` to `frameConns[i]`). Two parallel lists, not
   * a `{conn, frame}` object per frame: the pooled entries were ~8 live objects per racing room
   * (bench/results/fx-heap-2026-12-07.md).
   */
  frameConns: string[];
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
  return { frames: [], frameConns: [], texts: [], closes: [], logs: [], actions: [], journal: [], persist: false, retire: false };
}

/** The lists few drains fill (a close, a log line, a record write, a journal entry: <1 % of a racing runner room's drains). */
type RareList = "closes" | "logs" | "actions" | "journal";

/**
 * The one empty list every room's batch holds in place of a rare list it has not filled since its
 * last drain: an empty list of its own was one live object per list and room (4 of a racing room's
 * ~180 at 60 s, bench/capacity/heap.ts). Frozen, so a push that bypassed `EffectsBuffers.rare`
 * throws instead of mixing rooms.
 */
const NONE: never[] = [];
Object.freeze(NONE);

/**
 * One effect batch per room, reused by every drain, so a plain tick of the real-time loop allocates no
 * effect lists, no entry per frame and no frame bytes (issue 12: with the encoders'
 * copies these were ~0.6 KB per room-tick at 150 rooms, bench/results/tick-jitter-2026-12-06.md). The
 * batch a drain hands out is cleared lazily, when the core next writes or reads it (or drains again),
 * hence the rule on `Effects`. One batch, not two used in turn (the drained one valid until the next
 * drain, as before 2026-12-07): the second batch, its snapshot writer and that writer's views were ~37
 * live objects (~3 KB) per racing room, which workerd's full collections mark
 * (bench/results/fx-heap-2026-12-07.md).
 */
export class EffectsBuffers {
  private readonly out: Effects = { ...emptyEffects(), closes: NONE, logs: NONE, actions: NONE, journal: NONE };
  /** Snapshot bytes of the batch: the frames in `out.frames` are views into it. */
  private readonly writer = new SnapWriter(BATCH_BYTES);
  /** Handed out by `drain` and not cleared since: the host may still be reading it. */
  private drained = false;

  /** The batch being filled. */
  get fx(): Effects {
    if (this.drained) this.clear();
    return this.out;
  }

  /** Where snapshot frames of the batch are encoded (views into it go into `fx.frames`). */
  get bytes(): SnapWriter {
    if (this.drained) this.clear();
    return this.writer;
  }

  /** Queue one binary frame to one connection. */
  send(conn: string, frame: ServerFrame | Uint8Array): void {
    if (this.drained) this.clear();
    this.out.frames.push(frame);
    this.out.frameConns.push(conn);
  }

  /** A rare list of the batch being filled, to push onto: made at its first use since the last drain. */
  rare<K extends RareList>(key: K): Effects[K] {
    const fx = this.fx;
    if (fx[key] === NONE) fx[key] = [];
    return fx[key];
  }

  /** Hand out the batch filled since the last drain (empty if nothing was); it is cleared at the core's next use. */
  drain(): Effects {
    if (this.drained) this.clear();
    this.drained = true;
    return this.out;
  }

  /**
   * Empty the lists. `frames`, `frameConns` and `texts` (pongs, when a ping reaches the room) by popping: `length = 0`
   * would drop their backing stores and regrow them at every tick or ping. The rare lists go back to
   * the shared empty one (`NONE`), their own list and its store dropped: idle stores were ~1.4 KB per
   * room, for ~1 B per room-tick of regrowth (bench/results/fx-heap-2026-12-07.md).
   */
  private clear(): void {
    this.drained = false;
    const fx = this.out;
    while (fx.frames.length > 0) fx.frames.pop();
    while (fx.frameConns.length > 0) fx.frameConns.pop();
    while (fx.texts.length > 0) fx.texts.pop();
    // Only when not shared already: these four are the shared one at almost every drain.
    if (fx.closes !== NONE) fx.closes = NONE;
    if (fx.logs !== NONE) fx.logs = NONE;
    if (fx.actions !== NONE) fx.actions = NONE;
    if (fx.journal !== NONE) fx.journal = NONE;
    fx.persist = false;
    fx.retire = false;
    this.writer.reset();
  }
}

/**
 * 256 bytes hold a tick's frames to four connections, keyframes included (a racing runner room's batch
 * peaked at 132 B, bench/results/fx-heap-2026-12-07.md); a room that needs more grows its writer once.
 */
const BATCH_BYTES = 256;
