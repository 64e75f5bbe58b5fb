/** The client's one pending reconnect: a timer for the retry time the connection state machine chose. */
import type { TimerHandle, Timers } from "./timers";

export class RetryTimer {
  private handle: TimerHandle | null = null;

  constructor(private readonly timers: Timers) {}

  /** Replace any pending retry with one at `at` (the timers' clock); `due` gets the time it is due, never before `at`. */
  schedule(at: number, due: (now: number) => void): void {
    this.clear();
    this.handle = this.timers.setTimeout(
      () => {
        this.handle = null;
        due(Math.max(this.timers.now(), at));
      },
      Math.max(0, at - this.timers.now()),
    );
  }

  clear(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}
