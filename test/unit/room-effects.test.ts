/**
 * The effect lists few drains fill (closes, log lines, action entries, journal entries) share one
 * empty list across rooms until first used (issue 12: one live object per list and room). Sharing
 * must never let one room's effects reach another's drain, nor outlive the drain they belong to.
 */
import { describe, expect, it } from "vitest";
import { EffectsBuffers } from "../../src/room/core/effects";

describe("the rare effect lists", () => {
  it("hands each room's drain only its own log lines, closes, actions and journal entries, once", () => {
    const a = new EffectsBuffers();
    const b = new EffectsBuffers();
    a.rare("logs").push({ event: "in_a", level: "info" });
    a.rare("closes").push({ conn: "c", code: 1000, reason: "done" });
    a.rare("actions").push({ kind: "input", round: 1, seat: 0, by: "human", inputId: 1, data: null, at: 1, tick: 1 });
    a.rare("journal").push({ seq: 1, events: [] });
    const fb = b.drain();
    expect([fb.logs, fb.closes, fb.actions, fb.journal]).toEqual([[], [], [], []]);
    const fa = a.drain();
    expect(fa.logs.map((l) => l.event)).toEqual(["in_a"]);
    expect([fa.closes.length, fa.actions.length, fa.journal.length]).toEqual([1, 1, 1]);
    const again = a.drain();
    expect([again.logs, again.closes, again.actions, again.journal]).toEqual([[], [], [], []]);
  });

  it("refuses a push onto an idle room's list that did not ask for a list of its own", () => {
    const a = new EffectsBuffers();
    expect(() => a.fx.logs.push({ event: "stray", level: "info" })).toThrow(TypeError);
    expect(new EffectsBuffers().drain().logs).toEqual([]);
  });
});
