/**
 * The soak's figures and their checks: every figure is recorded with the rule it must meet, printed
 * with its verdict, and saved; any failed rule makes the run exit non-zero.
 */
export interface Figure {
  readonly phase: string;
  readonly name: string;
  readonly value: number | string;
  /** The rule, in words ("= 0", "≥ 250", "≤ 57"). */
  readonly rule: string;
  readonly ok: boolean;
}

export class Ledger {
  readonly figures: Figure[] = [];
  readonly notes: Array<{ phase: string; text: string }> = [];

  private add(phase: string, name: string, value: number | string, rule: string, ok: boolean): void {
    this.figures.push({ phase, name, value, rule, ok });
    process.stderr.write(`  ${ok ? "ok  " : "FAIL"} [${phase}] ${name}: ${value} (${rule})\n`);
  }

  eq(phase: string, name: string, value: number | string, expected: number | string): void {
    this.add(phase, name, value, `= ${expected}`, value === expected);
  }

  atLeast(phase: string, name: string, value: number, min: number): void {
    this.add(phase, name, value, `≥ ${min}`, value >= min);
  }

  atMost(phase: string, name: string, value: number, max: number): void {
    this.add(phase, name, value, `≤ ${max}`, value <= max);
  }

  /** A check with no number (e.g. "every client back"): printed as yes/no. */
  holds(phase: string, name: string, ok: boolean, detail = ""): void {
    this.add(phase, name, ok ? "yes" : `no${detail ? ` (${detail.slice(0, 500)})` : ""}`, "yes", ok);
  }

  /** Context that is not a promise (durations on a shared machine): printed and saved, not a rule. */
  note(phase: string, text: string): void {
    this.notes.push({ phase, text });
    process.stderr.write(`  note [${phase}] ${text}\n`);
  }

  get violations(): Figure[] {
    return this.figures.filter((f) => !f.ok);
  }
}

/** SOAK_SCALE (default 1) times the issue's count, at least `min`. */
export function scaled(full: number, min = 1): number {
  const raw = process.env["SOAK_SCALE"];
  const scale = raw === undefined || raw === "" ? 1 : Number(raw);
  if (!(scale > 0 && scale <= 1)) throw new Error(`SOAK_SCALE must be in (0, 1], got ${raw}`);
  return Math.max(min, Math.round(full * scale));
}
