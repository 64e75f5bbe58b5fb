/**
 * The synchronous steps of the host's flush (room-object.ts): handing the drained effects to the
 * transports, and deciding whether a flush is "quiet" (no directory note, no alarm work).
 *
 * Why apart, and written with index loops: at 150 real-time rooms the flush ran ~4,000 times a
 * second (every loop tick and every client frame), and as an `async` function it was the largest
 * allocation site of the project (42.9 MB per 10 s sampled, ~1 KB per flush: the async frame and
 * its promise, the alarm's awaited promise chain; /work/helpers/alloc-baseline-2150.txt). The host
 * now runs these steps without a promise and returns one only when there is storage work to await.
 */
import { encodeFrameToSend } from "../../protocol";
import type { Effects } from "../core/effects";
import type { RoomCore } from "../core/room-core";
import type { Outbound } from "./outbound";

type Log = (level: "info" | "warn" | "error", event: string, fields: Record<string, unknown>) => void;

/** Send the frames and texts, then close, then log: in this order (a close follows its last frame). */
export function deliver(fx: Effects, out: Outbound, log: Log): void {
  const frames = fx.frames;
  const conns = fx.frameConns;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const conn = conns[i];
    if (f !== undefined && conn !== undefined) out.send(conn, f instanceof Uint8Array ? f : encodeFrameToSend(f));
  }
  const texts = fx.texts;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (t !== undefined) out.send(t.conn, t.text);
  }
  const closes = fx.closes;
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i];
    if (c !== undefined) out.close(c.conn, c.code, c.reason);
  }
  // Log lines are rare (joins, drops, rejections): the copy without level and event is fine here. An
  // index loop: a `for…of` made an array iterator at every flush, log lines or not (issue 12).
  const logs = fx.logs;
  for (let i = 0; i < logs.length; i++) {
    const entry = logs[i];
    if (entry === undefined) continue;
    const { level, event, ...fields } = entry;
    log(level, event, fields);
  }
}

/**
 * Whether a flush may skip the directory note and the alarm. A plain tick of the real-time loop, or
 * a client frame while a real-time match runs, that wrote nothing, closed nobody and retires
 * nothing changes neither the public status (status, seats, connections: they change only with a
 * write or a close) nor any deadline but the watchdog's (stored deadlines change only with a write;
 * heartbeat deadlines are not part of the alarm while a real-time match runs), which only moves
 * later and so never moves the alarm (alarm-clock.ts). Measured, the note and the alarm were ~3 %
 * of a room-tick (bench/results/room-tick-profile-latest.md) and ~1 MB per 10 s of allocation on
 * the frame path at 150 rooms.
 */
export function quietFlush(fx: Effects, plain: boolean, core: RoomCore): boolean {
  return plain && !fx.persist && fx.closes.length === 0 && !fx.retire && core.realtimeLive();
}
