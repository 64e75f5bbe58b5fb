/** The real-time loop: an in-memory timer that advances a live real-time match at each snapshot boundary. */
import type { RoomCore } from "../core/room-core";

/** Ticks run only while the instance is awake; the alarm is the watchdog that restarts the loop after an eviction. */
export class RealtimeLoop {
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `tick` runs when the timer fires: it advances the core and flushes (which calls `ensureLoop` again). */
  constructor(private readonly tick: (core: RoomCore) => void) {}

  /** Keep the real-time loop running while a real-time match is live; it stops by itself otherwise. */
  ensureLoop(core: RoomCore): void {
    if (this.timer !== null) return;
    const now = Date.now();
    const at = core.nextLoopAt(now);
    if (at === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick(core);
    }, Math.max(0, at - now));
  }
}
