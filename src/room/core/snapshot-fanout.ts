/**
 * Real-time snapshots to every connection, encoded once per tick (binary `snap`, docs/protocol.md
 * §14, Snapshots). A game without secrets quantises the state once; the room keeps the last three arrays it
 * broadcast, and every connection whose own last three arrays are those very arrays (the usual case:
 * it received every broadcast since its keyframe) gets the same delta body. Only the tiny
 * per-connection header differs, and only when that seat's `ack` changed, so most ticks send one
 * shared frame to everyone. Games with secrets (`secrets()`) quantise and encode per viewer.
 */
import { encodeDeltaBody, encodeKeyBody, encodeSnapFrame } from "../../protocol";
import type { LiveConn } from "./connections";
import type { RoomOps, SnapshotSender } from "./room-ops";

/** What the room broadcast last (compared by reference with each connection's baseline). */
export class SnapshotFanout implements SnapshotSender {
  private base: number[] | null = null;
  private prev: number[] | null = null;
  private older: number[] | null = null;

  /** Send the snapshot of the current state: keyframes to connections without one, deltas to the rest. `newOnly`: keyframes only. */
  send(core: RoomOps, newOnly: boolean): void {
    const rt = core.rt;
    const state = core.record.game;
    if (!rt || state === null) return;
    const tick = rt.spec.tick(state);
    if (core.game.secrets !== undefined) {
      for (const c of core.conns.values()) {
        if (newOnly && c.lastSnap !== null) continue;
        sendOne(core, c, tick, rt.spec.quantize(state, c.seat), null);
      }
      return;
    }
    const q = rt.spec.quantize(state, null);
    let keyBody: Uint8Array | null = null;
    let deltaBody: Uint8Array | null = null;
    let sharedFrame: Uint8Array | null = null;
    for (const c of core.conns.values()) {
      if (newOnly && c.lastSnap !== null) continue;
      if (c.lastSnap === null || c.lastSnap.length !== q.length) {
        keyBody ??= encodeKeyBody(tick, q);
        sendOne(core, c, tick, q, keyBody);
      } else if (c.lastSnap === this.base && c.prevSnap === this.prev && c.olderSnap === this.older && this.prev !== null && this.older !== null) {
        deltaBody ??= encodeDeltaBody(tick, this.older, this.prev, c.lastSnap, q);
        if (ackOf(core, c) === c.snapAck && durableOf(core, c) === c.snapDurable) {
          // Nothing per-connection to say: everyone in this case gets the very same bytes.
          sharedFrame ??= encodeSnapFrame(false, { ack: null, durable: null }, deltaBody);
          core.send(c.connId, sharedFrame);
          advanceConn(c, q);
        } else {
          sendOne(core, c, tick, q, deltaBody);
        }
      } else {
        sendOne(core, c, tick, q, null);
      }
    }
    if (!newOnly) {
      this.older = this.prev ?? q;
      this.prev = this.base ?? q;
      this.base = q;
    }
  }
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

/** One connection's frame: `body` when already encoded for its case, else encoded for it alone. */
function sendOne(core: RoomOps, c: LiveConn, tick: number, q: number[], body: Uint8Array | null): void {
  const key = c.lastSnap === null || c.lastSnap.length !== q.length;
  const ack = ackOf(core, c);
  const durable = durableOf(core, c);
  const b = body ?? (key ? encodeKeyBody(tick, q) : encodeDeltaBody(tick, c.olderSnap ?? q, c.prevSnap ?? q, c.lastSnap ?? q, q));
  const header = { ack: key || ack !== c.snapAck ? ack : null, durable: durable !== null && (key || durable !== c.snapDurable) ? durable : null };
  core.send(c.connId, encodeSnapFrame(key, header, b));
  advanceConn(c, q);
  c.snapAck = ack;
  c.snapDurable = durable;
}

function advanceConn(c: LiveConn, q: number[]): void {
  // After a keyframe all three baselines are the keyframe (the first delta predicts "no change").
  const key = c.lastSnap === null || c.lastSnap.length !== q.length;
  c.olderSnap = key ? q : c.prevSnap;
  c.prevSnap = key ? q : c.lastSnap;
  c.lastSnap = q;
}
