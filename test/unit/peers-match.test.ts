/** bench/peers: the peers' match host runs the same simulation as Edgeroom's runner, with the same input rules. */
import { describe, expect, it } from "vitest";
import { COUNTDOWN_TICKS, runner, scriptedInput, type RunnerInput, type RunnerState } from "../../src/games/runner";
import { FixedClock, PeerMatch, SEATS, TICK_MS } from "../../bench/peers/match";

const rt = runner.realtime!;

/** Every seat plays the scripted runner, sending its input at the tick it decides. */
function scripted(state: RunnerState): { seat: number; input: RunnerInput }[] {
  const out: { seat: number; input: RunnerInput }[] = [];
  for (let seat = 0; seat < SEATS; seat++) {
    const input = scriptedInput(state, seat);
    if (input) out.push({ seat, input });
  }
  return out;
}

describe("PeerMatch", () => {
  it("matches the runner's own create and step bit for bit, inputs applied at their tick", () => {
    const seed = 12345;
    const match = new PeerMatch({ seed, durationSeconds: 30 });
    let reference = runner.create(seed, { durationSeconds: 30 }, SEATS, 0);
    expect(match.state).toEqual(reference);
    const ids = new Array<number>(SEATS).fill(0);
    let applied = 0;
    for (let i = 0; i < 30 * 60 && !match.over; i++) {
      const inputs = scripted(match.state);
      for (const { seat, input } of inputs) {
        ids[seat] = (ids[seat] ?? 0) + 1;
        const admission = match.admit(seat, { id: ids[seat], ...input });
        expect(admission).toEqual({ ok: true, applyTick: input.tick, dup: false });
      }
      const out = match.stepOnce();
      applied += out.applied.length;
      reference = rt.step(reference, inputs).state;
      expect(match.state).toEqual(reference);
    }
    expect(applied).toBeGreaterThan(0);
    expect(match.counts.inputs).toBe(applied);
  });

  it("acknowledges a repeated id as a duplicate and never applies it twice", () => {
    const match = new PeerMatch({ seed: 7, durationSeconds: 20 });
    for (let i = 0; i < COUNTDOWN_TICKS; i++) match.stepOnce();
    expect(match.admit(0, { id: 1, tick: match.tick, jump: true })).toMatchObject({ ok: true, dup: false });
    expect(match.admit(0, { id: 1, tick: match.tick, jump: true })).toMatchObject({ ok: true, dup: true });
    expect(match.stepOnce().applied).toEqual([{ seat: 0, id: 1 }]);
  });

  it("applies the runner's late and early windows and the per-tick budget, moving slightly late inputs to the current tick", () => {
    const match = new PeerMatch({ seed: 7, durationSeconds: 20 });
    for (let i = 0; i < COUNTDOWN_TICKS + 20; i++) match.stepOnce();
    const t = match.tick;
    expect(match.admit(1, { id: 1, tick: t - rt.lateWindowTicks - 1, duck: true })).toEqual({ ok: false, code: "INPUT_TOO_LATE" });
    expect(match.admit(1, { id: 2, tick: t + rt.aheadWindowTicks + 1, duck: true })).toEqual({ ok: false, code: "INPUT_TOO_EARLY" });
    expect(match.admit(1, { id: 3, tick: t - 2, duck: true })).toEqual({ ok: true, applyTick: t, dup: false });
    expect(match.admit(1, { id: 4, tick: t, duck: false })).toMatchObject({ ok: true });
    expect(match.admit(1, { id: 5, tick: t, duck: true })).toEqual({ ok: false, code: "INPUT_BUDGET" });
    expect(match.admit(1, { id: 6, tick: t, fly: true })).toEqual({ ok: false, code: "INVALID_INPUT" });
    expect(match.admit(1, "nonsense")).toEqual({ ok: false, code: "INVALID_INPUT" });
  });

  it("knocks a leaving player out, as Edgeroom's forfeit policy does", () => {
    const match = new PeerMatch({ seed: 3, durationSeconds: 20 });
    match.forfeit(2);
    expect(match.state.players[2]?.outAt).toBe(0);
    expect(match.admit(2, { id: 1, tick: 0, jump: true })).toEqual({ ok: false, code: "KNOCKED_OUT" });
  });
});

describe("FixedClock", () => {
  it("owes whole 60 Hz steps of wall time and keeps the remainder", () => {
    const clock = new FixedClock(1000);
    expect(clock.owed(1000 + TICK_MS * 2.5)).toEqual({ steps: 2, dropped: 0 });
    expect(clock.owed(1000 + TICK_MS * 3.01)).toEqual({ steps: 1, dropped: 0 });
    expect(clock.owed(1000 + TICK_MS * 3.02)).toEqual({ steps: 0, dropped: 0 });
  });

  it("drops time beyond the catch-up cap instead of replaying it", () => {
    const clock = new FixedClock(0);
    expect(clock.owed(TICK_MS * 200 + 1)).toEqual({ steps: 120, dropped: 80 });
    expect(clock.owed(TICK_MS * 201 + 1)).toEqual({ steps: 1, dropped: 0 });
  });
});
