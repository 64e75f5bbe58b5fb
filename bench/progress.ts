/**
 * Progress of a long benchmark run on stderr: every line says how long the
 * run has taken against its time budget, and while a phase lasts (a measuring
 * window, a server start) a line every 10 s says which one and how far along
 * it is, so a run that takes minutes never looks stuck.
 */
import { round } from "./stats";

export class Progress {
  private readonly began = performance.now();
  private phase: { label: string; startedAt: number; expectedSeconds: number | null } | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly name: string,
    private readonly budgetSeconds: number,
    everyMs = 10_000,
  ) {
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  /** Seconds since the run began. */
  elapsed(): number {
    return (performance.now() - this.began) / 1000;
  }

  /** One line, prefixed with the elapsed time, the budget and the share of it used. */
  log(msg: string): void {
    const t = this.elapsed();
    const pct = Math.min(100, Math.round((t / this.budgetSeconds) * 100));
    console.error(`[${this.name} ${round(t, 1)}s / ${this.budgetSeconds}s budget, ${pct}%] ${msg}`);
  }

  /** Announce a phase (and log it); the ticker reports on it until the next phase or `done()`. */
  start(label: string, expectedSeconds: number | null = null): void {
    this.phase = { label, startedAt: performance.now(), expectedSeconds };
    this.log(expectedSeconds === null ? label : `${label} (about ${Math.round(expectedSeconds)} s)`);
  }

  done(): void {
    this.phase = null;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    if (!this.phase) return;
    const t = Math.round((performance.now() - this.phase.startedAt) / 1000);
    const of = this.phase.expectedSeconds === null ? "" : ` of about ${Math.round(this.phase.expectedSeconds)} s`;
    this.log(`… ${this.phase.label}: ${t} s${of}`);
  }
}
