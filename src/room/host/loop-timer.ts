/** The real-time loop: an in-memory timer that advances a live real-time match at each snapshot boundary. */
import type { RoomCore } from "../core/room-core";

/** Ticks run only while the instance is awake; the alarm is the watchdog that restarts the loop after an eviction. */
export class RealtimeLoop {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The core the pending timer ticks. */
  private core: RoomCore | null = null;
  /**
   * The one callback every timer runs: a closure per tick was 4.1 MB per 10 s of allocation at 150
   * real-time rooms (/work/helpers/alloc-baseline-2150.txt), so the core waits in a field instead.
   */
  private readonly fire = (): void => {
    const core = this.core;
    this.timer = null;
    this.core = null;
    if (core !== null) this.tick(core, this.dueAt);
  };
  /** The boundary the pending timer is for (wall-clock ms). */
  private dueAt = 0;

  /**
   * `tick` runs when the timer fires, with the boundary it was set for (wall-clock ms): it advances the
   * core and flushes (which calls `ensureLoop` again).
   */
  constructor(private readonly tick: (core: RoomCore, dueAt: number) => void) {}

  /** Keep the real-time loop running while a real-time match is live; it stops by itself otherwise. */
  ensureLoop(core: RoomCore): void {
    if (this.timer !== null) return;
    const now = Date.now();
    const at = core.nextLoopAt(now);
    if (at === null) return;
    this.core = core;
    this.dueAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - now));
  }
}
