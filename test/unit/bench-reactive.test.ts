/**
 * The capacity bench's bot brain (bench/reactive.ts) keeps every runner standing through a whole 90 s match
 * when its states and inputs are late, so a ramp stops on the server and not on the bots. Played on the
 * peers' match host (bench/peers/match.ts: the runner's own simulation and input windows), every state
 * quantised as the wire carries it, each input delivered `delay` ticks after the state it was decided on.
 */
import { describe, expect, it } from "vitest";
import { MAX_TICKS, quantize, type RunnerInput } from "../../src/games/runner";
import { PeerMatch, SEATS, TICKS_PER_SNAPSHOT } from "../../bench/peers/match";
import { decide, newBotMemory, PLAN_AHEAD_TICKS, PROBE_EVERY_TICKS } from "../../bench/reactive";

interface Sent {
  readonly seat: number;
  readonly id: number;
  readonly input: RunnerInput;
  readonly probe: boolean;
  readonly deliverAt: number;
}

function play(seed: number, delay: number) {
  const match = new PeerMatch({ seed, durationSeconds: 90 });
  const mems = Array.from({ length: SEATS }, () => newBotMemory());
  const queue: Sent[] = [];
  const sent: Sent[] = [];
  const refused: { probe: boolean; code: string }[] = [];
  let id = 0;
  while (!match.over) {
    if (match.tick % TICKS_PER_SNAPSHOT === 0) {
      const state = quantize(match.state);
      for (let seat = 0; seat < SEATS; seat++) {
        const d = decide(state, seat, mems[seat] as ReturnType<typeof newBotMemory>);
        if (d.kind !== "inputs") continue;
        for (const p of d.inputs) {
          const s = { seat, id: ++id, input: p.input, probe: p.probe, deliverAt: match.tick + delay };
          queue.push(s);
          sent.push(s);
        }
      }
    }
    for (const s of queue.filter((q) => q.deliverAt <= match.tick)) {
      queue.splice(queue.indexOf(s), 1);
      const a = match.admit(s.seat, { id: s.id, ...s.input });
      if (!a.ok) refused.push({ probe: s.probe, code: a.code });
    }
    match.stepOnce();
  }
  return { state: match.state, sent, refused };
}

describe("the capacity bench's bot brain", () => {
  it("keeps all four runners standing to the end of a 90 s match with inputs on time", () => {
    for (const seed of [1, 2, 3]) {
      const { state, sent, refused } = play(seed, 0);
      expect(state.end).toBe("timeout");
      expect(state.players.map((p) => p.outAt)).toEqual([null, null, null, null]);
      expect(refused).toEqual([]);
      expect(sent.every((s) => s.input.tick < MAX_TICKS)).toBe(true);
    }
  });

  it("keeps them standing when every input arrives 20 ticks (333 ms) after the state it was decided on", () => {
    for (const seed of [4, 5]) {
      const { state, refused } = play(seed, 20);
      expect(state.end).toBe("timeout");
      expect(state.players.map((p) => p.outAt)).toEqual([null, null, null, null]);
      // Only probes (stamped for the next tick, the ack-latency samples) can be too late by then.
      expect(refused.filter((r) => !r.probe)).toEqual([]);
    }
  });

  it("sends each seat's inputs in tick order, never more than the plan-ahead window early", () => {
    const { sent } = play(6, 0);
    for (let seat = 0; seat < SEATS; seat++) {
      const ticks = sent.filter((s) => s.seat === seat).map((s) => s.input.tick);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThanOrEqual(ticks[i - 1] as number);
    }
    // Delay 0: an input is sent at tick deliverAt and stamped at most PLAN_AHEAD_TICKS later.
    expect(Math.max(...sent.map((s) => s.input.tick - s.deliverAt))).toBeLessThanOrEqual(PLAN_AHEAD_TICKS);
  });

  it("probes about once every PROBE_EVERY_TICKS per bot while racing, with no buttons, stamped for the next tick", () => {
    const { sent } = play(7, 0);
    const probes = sent.filter((s) => s.probe);
    const racingSeconds = 87;
    // A probe waits while a planned input is pending, so somewhat fewer than one per interval.
    expect(probes.length).toBeGreaterThan((0.5 * SEATS * racingSeconds * 60) / PROBE_EVERY_TICKS);
    expect(probes.length).toBeLessThanOrEqual((SEATS * racingSeconds * 60) / PROBE_EVERY_TICKS + SEATS);
    expect(probes.every((p) => p.input.jump === undefined && p.input.duck === undefined && p.input.tick === p.deliverAt + 1)).toBe(true);
  });
});
