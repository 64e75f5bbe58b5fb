import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UpdateOrdering } from "../../src/client/internal";

/** A welcome as the room builds it for a resume from `lastSeq` when it is at `seq`, keeping `journal` entries. */
function resumeWelcome(lastSeq: number, seq: number, journal: number) {
  const replayable = seq - lastSeq <= journal;
  const replay = replayable ? Array.from({ length: seq - lastSeq }, (_, i) => ({ seq: lastSeq + 1 + i, events: [{ type: "e" }] })) : [];
  return { seq, resume: { status: replayable ? ("replayed" as const) : ("snapshot" as const), fromSeq: lastSeq }, replay };
}

describe("client update ordering", () => {
  it("applies any interleaving of duplicated, reordered and gapped updates strictly by +1, and every gap triggers a resync", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 120 }),
        fc.integer({ min: 1, max: 50 }),
        (start, deliveries, journal) => {
          const o = new UpdateOrdering();
          o.welcome({ seq: start, resume: { status: "none", fromSeq: null }, replay: [] });
          const applied: number[] = [];
          let resets = 0;
          let gaps = 0;
          const serverSeq = () => Math.max(start, ...deliveries);
          for (const seq of deliveries) {
            const before = o.lastSeq ?? 0;
            const r = o.offer(seq);
            if (seq <= before) expect(r.kind).toBe("duplicate");
            else if (seq === before + 1) expect(r).toEqual({ kind: "apply", seq });
            else expect(r).toEqual({ kind: "gap", expected: before + 1, received: seq });
            if (r.kind === "apply") applied.push(seq);
            if (r.kind !== "gap") continue;
            gaps += 1;
            // Until the resync completes nothing more is applied.
            expect(o.resyncing).toBe(true);
            expect(o.offer(before + 1).kind).toBe("ignored");
            // The client reconnects with resume; the room answers from its journal or with a snapshot.
            const plan = o.welcome(resumeWelcome(before, Math.max(seq, serverSeq()), journal));
            if (plan.kind === "replayed") applied.push(...plan.entries.map((e) => e.seq));
            else {
              expect(plan).toMatchObject({ kind: "snapshot", reason: "room-snapshot" });
              resets += 1;
              applied.push(plan.seq);
            }
            expect(o.resyncing).toBe(false);
          }
          // Strictly increasing, no duplicates; consecutive (+1) unless the room reset us with a snapshot.
          let jumps = 0;
          let prev = start;
          for (const s of applied) {
            expect(s).toBeGreaterThan(prev);
            if (s !== prev + 1) jumps += 1;
            prev = s;
          }
          expect(jumps).toBeLessThanOrEqual(resets);
          expect(new Set(applied).size).toBe(applied.length);
          if (gaps === 0) expect(applied).toEqual(applied.map((_, i) => start + 1 + i));
        },
      ),
    );
  });

  it("ignores updates before the first welcome", () => {
    const o = new UpdateOrdering();
    expect(o.offer(1)).toEqual({ kind: "ignored", seq: 1 });
    expect(o.lastSeq).toBeNull();
  });

  it("treats the first welcome as fresh and a resume the room did not honour as a reset", () => {
    const o = new UpdateOrdering();
    expect(o.welcome({ seq: 7, resume: { status: "none", fromSeq: null }, replay: [] })).toEqual({ kind: "fresh", seq: 7 });
    expect(o.welcome({ seq: 9, resume: { status: "none", fromSeq: null }, replay: [] })).toEqual({ kind: "snapshot", seq: 9, reason: "not-resumed" });
    o.reset();
    expect(o.welcome({ seq: 12, resume: { status: "replayed", fromSeq: 9 }, replay: [] })).toEqual({ kind: "fresh", seq: 12 });
  });

  it("skips replayed entries it already has and falls back to a reset when the replay does not line up", () => {
    const o = new UpdateOrdering();
    o.welcome({ seq: 5, resume: { status: "none", fromSeq: null }, replay: [] });
    const entry = (seq: number) => ({ seq, events: [] });
    expect(o.welcome({ seq: 7, resume: { status: "replayed", fromSeq: 5 }, replay: [entry(4), entry(5), entry(6), entry(7)] })).toEqual({ kind: "replayed", seq: 7, entries: [entry(6), entry(7)] });
    expect(o.welcome({ seq: 10, resume: { status: "replayed", fromSeq: 7 }, replay: [entry(8), entry(10)] })).toMatchObject({ kind: "snapshot", reason: "replay-mismatch" });
    expect(o.welcome({ seq: 12, resume: { status: "replayed", fromSeq: 10 }, replay: [entry(11)] })).toMatchObject({ kind: "snapshot", reason: "replay-mismatch" });
    expect(o.lastSeq).toBe(12);
  });
});
