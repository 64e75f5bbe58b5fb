/**
 * Real-time snapshots to every connection, encoded once per tick (binary `snap`, docs/protocol.md
 * §14, Snapshots). A game without secrets quantises the state once; the room keeps the last three arrays it
 * broadcast, and every connection whose own last three arrays are those very arrays (the usual case:
 * it received every broadcast since its keyframe) gets the same delta body. Only the tiny
 * per-connection header differs, and only when that seat's `ack` changed, so most ticks send one
 * shared frame to everyone. Games with secrets (`secrets()`) quantise and encode per viewer.
 */
import { SnapWriter, writeDeltaBody, writeKeyBody, writeSnapHeader } from "../../protocol";
import type { LiveConn } from "./connections";
import type { RoomOps, SnapshotSender } from "./room-ops";

/**
 * Bodies encoded once per tick, shared by every room of the isolate: scratch written and copied behind
 * each frame's header (in `frameBytes`) within one synchronous `send`, so nothing of them outlives the
 * call. Per fan-out they were 15 live objects (~1.6 KB) per room (issue 12, bench/results/fx-heap-2026-12-07.md).
 */
const keyBody = new SnapWriter();
const deltaBody = new SnapWriter();
const ownBody = new SnapWriter();

/**
 * Quantised arrays the fan-out keeps at most (its three, and three per connection that fell out of
 * step); beyond it a tick's array is a fresh copy, never reused.
 */
const POOL_LIMIT = 64;

/** What the room broadcast last (compared by reference with each connection's baseline). */
export class SnapshotFanout implements SnapshotSender {
  private base: number[] | null = null;
  private prev: number[] | null = null;
  private older: number[] | null = null;
  /**
   * The quantised arrays, owned here: `quantize`'s result is copied into one no baseline refers to any
   * more, so a game may hand out the same scratch array every call and the room allocates no array per
   * tick (issue 12). Baselines are compared by reference, so an array is reused only once nothing holds it.
   */
  private readonly pool: number[][] = [];

  /** Send the snapshot of the current state: keyframes to connections without one, deltas to the rest. `newOnly`: keyframes only. */
  send(core: RoomOps, newOnly: boolean): void {
    const rt = core.rt;
    const state = core.record.game;
    if (!rt || state === null) return;
    const tick = rt.spec.tick(state);
    const conns = core.conns.list();
    if (core.game.secrets !== undefined) {
      for (let i = 0; i < conns.length; i++) {
        const c = conns[i];
        if (c === undefined || (newOnly && c.lastSnap !== null)) continue;
        this.sendOne(core, c, tick, this.own(core, rt.spec.quantize(state, c.seat)), null);
      }
      return;
    }
    const q = this.own(core, rt.spec.quantize(state, null));
    let keyReady = false;
    let deltaReady = false;
    let sharedFrame: Uint8Array | null = null;
    for (let i = 0; i < conns.length; i++) {
      const c = conns[i];
      if (c === undefined || (newOnly && c.lastSnap !== null)) continue;
      if (c.lastSnap === null || c.lastSnap.length !== q.length) {
        if (!keyReady) {
          keyBody.reset();
          writeKeyBody(keyBody, tick, q);
          keyReady = true;
        }
        this.sendOne(core, c, tick, q, keyBody);
      } else if (c.lastSnap === this.base && c.prevSnap === this.prev && c.olderSnap === this.older && this.prev !== null && this.older !== null) {
        if (!deltaReady) {
          deltaBody.reset();
          writeDeltaBody(deltaBody, tick, this.older, this.prev, c.lastSnap, q);
          deltaReady = true;
        }
        if (ackOf(core, c) === c.snapAck && durableOf(core, c) === c.snapDurable) {
          // Nothing per-connection to say: everyone in this case gets the very same bytes.
          if (sharedFrame === null) {
            const w = core.frameBytes();
            const start = w.length;
            writeSnapHeader(w, false, null, null);
            w.append(deltaBody);
            sharedFrame = w.view(start);
          }
          core.send(c.connId, sharedFrame);
          advanceConn(c, q);
        } else {
          this.sendOne(core, c, tick, q, deltaBody);
        }
      } else {
        this.sendOne(core, c, tick, q, null);
      }
    }
    if (!newOnly) {
      this.older = this.prev ?? q;
      this.prev = this.base ?? q;
      this.base = q;
    }
  }

  /** One connection's frame: `body` when already encoded for its case, else encoded for it alone. */
  private sendOne(core: RoomOps, c: LiveConn, tick: number, q: number[], body: SnapWriter | null): void {
    const key = c.lastSnap === null || c.lastSnap.length !== q.length;
    const ack = ackOf(core, c);
    const durable = durableOf(core, c);
    let b = body;
    if (b === null) {
      b = ownBody;
      b.reset();
      if (key) writeKeyBody(b, tick, q);
      else writeDeltaBody(b, tick, c.olderSnap ?? q, c.prevSnap ?? q, c.lastSnap ?? q, q);
    }
    const w = core.frameBytes();
    const start = w.length;
    writeSnapHeader(w, key, key || ack !== c.snapAck ? ack : null, durable !== null && (key || durable !== c.snapDurable) ? durable : null);
    w.append(b);
    core.send(c.connId, w.view(start));
    advanceConn(c, q);
    c.snapAck = ack;
    c.snapDurable = durable;
  }

  /** `q` copied into an array of the pool that no baseline holds (or a new one). */
  private own(core: RoomOps, q: readonly number[]): number[] {
    const pool = this.pool;
    for (let i = 0; i < pool.length; i++) {
      const a = pool[i];
      if (a === undefined || a.length !== q.length || a === this.base || a === this.prev || a === this.older || heldByConn(core, a)) continue;
      for (let j = 0; j < q.length; j++) a[j] = q[j] ?? 0;
      return a;
    }
    const fresh = q.slice();
    if (pool.length < POOL_LIMIT) pool.push(fresh);
    return fresh;
  }
}

/** Whether a connection's baseline is this array. */
function heldByConn(core: RoomOps, a: number[]): boolean {
  const conns = core.conns.list();
  for (let i = 0; i < conns.length; i++) {
    const c = conns[i];
    if (c !== undefined && (c.lastSnap === a || c.prevSnap === a || c.olderSnap === a)) return true;
  }
  return false;
}

/** The header's `ack`: the highest input id of the connection's seat applied (0 for spectators). */
function ackOf(core: RoomOps, c: LiveConn): number {
  return c.seat === null ? 0 : (core.record.seats[c.seat]?.lastInputId ?? 0);
}

/**
 * The header's `durable` field (decoded as `snap.dur`): the seat's durable-through input id, as far as
 * it is written before this frame leaves (the host's output gate holds frames behind the write), null
 * for spectators. Sent on keyframes and whenever it changed, like `ack`; a change makes that
 * connection's frame its own.
 */
function durableOf(core: RoomOps, c: LiveConn): number | null {
  return c.seat === null ? null : core.durableInputId(c.seat);
}

function advanceConn(c: LiveConn, q: number[]): void {
  // After a keyframe all three baselines are the keyframe (the first delta predicts "no change").
  const key = c.lastSnap === null || c.lastSnap.length !== q.length;
  c.olderSnap = key ? q : c.prevSnap;
  c.prevSnap = key ? q : c.lastSnap;
  c.lastSnap = q;
}
