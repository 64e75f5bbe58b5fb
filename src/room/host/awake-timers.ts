/**
 * The room's in-memory timers, which run only while the instance is awake: the real-time loop
 * (loop-timer.ts: steps and snapshots of a live real-time match) and the turn-based liveness watchdog
 * (liveness-watch.ts). The one alarm stays the durable backstop of both (alarm-clock.ts). They get
 * from the host only what `AwakeHost` names, never the host itself.
 */
import type { RoomCore } from "../core/room-core";
import { PingReads } from "./heartbeats";
import { LivenessWatch } from "./liveness-watch";
import { RealtimeLoop } from "./loop-timer";

export interface AwakeHost {
  /** Feed the runtime's heartbeat timestamps to the core (heartbeats.ts `observePings`). */
  readPings(core: RoomCore): void;
  /** Execute what the core produced (the host's flush, which calls `ensure` again); `plain` for a loop tick. */
  flush(core: RoomCore, plain: boolean): void;
  /** A watchdog check ran (the ops counters). */
  checked(): void;
  /** A loop tick ran `lateMs` after its snapshot boundary (the ops counters). */
  loopRan(lateMs: number): void;
}

export class AwakeTimers {
  /** When the loop last read the heartbeat timestamps (heartbeats.ts: every PING_READ_MS, not every tick). */
  private readonly pings = new PingReads();
  /** Real-time games: the in-memory loop timer (ticks run only while awake; the alarm is the watchdog). */
  private readonly loop: RealtimeLoop;
  /** Turn-based rooms: the in-memory liveness watchdog while someone seated is connected. */
  private readonly watch: LivenessWatch;

  constructor(host: AwakeHost) {
    this.loop = new RealtimeLoop((core, dueAt) => {
      const now = Date.now();
      host.loopRan(now - dueAt);
      if (this.pings.due(now)) host.readPings(core);
      core.advance(now);
      host.flush(core, true);
    });
    this.watch = new LivenessWatch((core) => {
      host.checked();
      host.readPings(core);
      core.checkLiveness(Date.now());
      host.flush(core, false);
    });
  }

  /** After a flush: keep the loop and the watchdog running while the core needs them (each stops by itself). */
  ensure(core: RoomCore): void {
    this.loop.ensureLoop(core);
    this.watch.ensure(core);
  }
}
