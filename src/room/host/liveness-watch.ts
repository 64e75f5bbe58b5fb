/**
 * Turn-based rooms: the in-memory liveness watchdog. While a match is in play and a seated player is
 * connected, every TURN_BASED_CHECK_MS it reads the runtime's heartbeat auto-response timestamps and
 * lets the core close sockets silent for the heartbeat timeout (src/room/core/liveness.ts).
 *
 * Why a timer and not the alarm: an alarm per check would be a billed row write each time, and the
 * room could not hibernate between checks anyway (it idles ~10 s before hibernating). The pending
 * timer keeps the room awake while it runs; that awake time is the price of finding a half-open
 * link in seconds (docs/reliability.md §6). It stops by itself when nobody seated is connected or
 * the match is not playing, and the room can hibernate again. The alarm stays the durable backstop.
 */
import type { RoomCore } from "../core/room-core";
import { TURN_BASED_CHECK_MS } from "../core/liveness";

export class LivenessWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `check` runs when the timer fires: it observes pings, checks liveness and flushes (which calls `ensure` again). */
  constructor(private readonly check: (core: RoomCore) => void) {}

  /** Keep the watchdog running while the core needs it; it stops by itself otherwise. */
  ensure(core: RoomCore): void {
    if (this.timer !== null || !core.watchdogNeeded()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.check(core);
    }, TURN_BASED_CHECK_MS);
  }

  /** Whether a check is pending (tests and the ops report). */
  get running(): boolean {
    return this.timer !== null;
  }
}
