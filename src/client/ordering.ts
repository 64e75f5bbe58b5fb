/**
 * Applies room updates strictly in sequence.
 *
 * Every update carries the room's seq (+1 per update). The client applies
 * seq = applied + 1 only: anything at or below `applied` is a duplicate and
 * dropped; anything beyond applied + 1 means updates were missed, and the
 * client must resync by reconnecting with resume data (session + lastSeq).
 * The room then either replays the missing updates in `welcome.replay` or, if
 * they fell out of its journal, answers "snapshot" and the client starts over
 * from `welcome.room`. While a resync is pending, further updates are ignored:
 * they cannot be applied without the missing ones.
 */
import type { JournalEntry, WelcomeFrame } from "../protocol/schemas";

export type OfferResult =
  | { readonly kind: "apply"; readonly seq: number }
  | { readonly kind: "duplicate"; readonly seq: number }
  | { readonly kind: "gap"; readonly expected: number; readonly received: number }
  /** Before the first welcome, or while waiting for a resync. */
  | { readonly kind: "ignored"; readonly seq: number };

export type WelcomePlan =
  /** First connection (or after the session was dropped): start from `welcome.room`. */
  | { readonly kind: "fresh"; readonly seq: number }
  /** The missed updates are in `entries` (exactly applied+1 … welcome.seq), then `welcome.room`. */
  | { readonly kind: "replayed"; readonly seq: number; readonly entries: readonly JournalEntry[] }
  /**
   * The client must reset from `welcome.room`: the room said so, did not resume,
   * or sent a replay that does not line up (`reason` says which).
   */
  | { readonly kind: "snapshot"; readonly seq: number; readonly reason: "room-snapshot" | "not-resumed" | "replay-mismatch" };

type WelcomeLike = Pick<WelcomeFrame, "seq" | "resume" | "replay">;

export class UpdateOrdering {
  private applied: number | null = null;
  private waitingForResync = false;

  /** The last seq applied, or null before the first welcome. */
  get lastSeq(): number | null {
    return this.applied;
  }

  /** True between a detected gap and the welcome that resolves it. */
  get resyncing(): boolean {
    return this.waitingForResync;
  }

  /** Decide what to do with one update; `apply` advances `lastSeq`. */
  offer(seq: number): OfferResult {
    if (this.applied === null || this.waitingForResync) return { kind: "ignored", seq };
    if (seq <= this.applied) return { kind: "duplicate", seq };
    if (seq > this.applied + 1) {
      this.waitingForResync = true;
      return { kind: "gap", expected: this.applied + 1, received: seq };
    }
    this.applied = seq;
    return { kind: "apply", seq };
  }

  /** Interpret a welcome against what was applied before it, and move to `welcome.seq`. */
  welcome(w: WelcomeLike): WelcomePlan {
    const before = this.applied;
    this.applied = w.seq;
    this.waitingForResync = false;
    if (before === null) return { kind: "fresh", seq: w.seq };
    if (w.resume.status === "snapshot") return { kind: "snapshot", seq: w.seq, reason: "room-snapshot" };
    if (w.resume.status === "none") return { kind: "snapshot", seq: w.seq, reason: "not-resumed" };
    // Entries we already have are skipped; the rest must be exactly before+1 … w.seq.
    const entries = w.replay.filter((e) => e.seq > before);
    const contiguous = entries.every((e, i) => e.seq === before + 1 + i);
    const reachesWelcome = (entries.at(-1)?.seq ?? before) === w.seq;
    if (!contiguous || !reachesWelcome) return { kind: "snapshot", seq: w.seq, reason: "replay-mismatch" };
    return { kind: "replayed", seq: w.seq, entries };
  }

  /** Forget everything (the room rejected our resume data): the next welcome is fresh. */
  reset(): void {
    this.applied = null;
    this.waitingForResync = false;
  }
}
