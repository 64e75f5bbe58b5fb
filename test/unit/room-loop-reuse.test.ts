/**
 * The real-time loop reuses its memory (issue 12): drained effects and their snapshot bytes are the
 * core's scratch until the core is next called, the fan-out keeps quantised arrays of its own (a game may
 * return one scratch array every call), its body writers are shared by every room of the isolate, and
 * the snapshot writer's views survive its growth. These check what the reuse must not change: bytes a
 * host is still sending, and the bytes on the wire.
 */
import { describe, expect, it } from "vitest";
import { quantize, runner, type RunnerState } from "../../src/games/runner";
import type { AnyGame } from "../../src/games/types";
import { applySnapDelta, decodeServerFrame, SnapWriter } from "../../src/protocol";
import type { Effects } from "../../src/room/core/effects";
import { RoomStepper, type StepperOutput } from "../../src/testing/room-stepper";
import { sendScriptedInputs } from "../support/scripted-race";

/** Every frame's bytes (copied as delivered) per connection, for a scripted race of `game`. */
function raceBytes(game: AnyGame, seats: number, seed: number): Map<string, number[][]> {
  const race = startRace(game, seats, seed);
  for (let k = 0; race.r.core.record.status === "playing" && k < 400; k++) {
    stepRace(race);
    // A spectator joins mid-race (a keyframe beside the shared deltas).
    if (k === 60) race.r.connect("s", "spectator", "spectator");
  }
  return race.out;
}

/** A runner stepped by `stepRace`, its frames' bytes (copied as delivered) per connection. */
function startRace(game: AnyGame, seats: number, seed: number) {
  const r = new RoomStepper({ game: "runner", seats, options: { durationSeconds: 10 } }, { games: [game], seed });
  const out = new Map<string, number[][]>();
  r.tap((o: StepperOutput) => {
    if (o.kind === "frame") out.set(o.conn, [...(out.get(o.conn) ?? []), Array.from(o.bytes)]);
  });
  const conns = Array.from({ length: seats }, (_, i) => `c${i}`);
  conns.forEach((c, i) => r.connect(c, `p${i}`));
  return { r, out, conns, ids: conns.map(() => 0) };
}

function stepRace(race: ReturnType<typeof startRace>): void {
  if (race.r.core.record.status !== "playing") return;
  sendScriptedInputs(race.r, race.conns, race.ids);
  race.r.advance(50);
}

/** Values the padded runner appends to its snapshot: they depend on the tick only, so every frame can be checked. */
const PAD = 120;
const padding = (tick: number): number[] => Array.from({ length: PAD }, (_, i) => 1000 + i + tick);

describe("the real-time loop's reused memory", () => {
  it("sends each room's connections the same bytes when two rooms take their ticks in turn as when each races alone", () => {
    const aloneA = startRace(runner, 3, 21);
    for (let k = 0; k < 300; k++) stepRace(aloneA);
    const aloneB = startRace(runner, 3, 22);
    for (let k = 0; k < 300; k++) stepRace(aloneB);
    // The fan-out's body writers are shared by every room of the isolate (snapshot-fanout.ts).
    const a = startRace(runner, 3, 21);
    const b = startRace(runner, 3, 22);
    for (let k = 0; k < 300; k++) {
      stepRace(a);
      stepRace(b);
    }
    expect(a.out).toEqual(aloneA.out);
    expect(b.out).toEqual(aloneB.out);
    expect(a.out).not.toEqual(b.out);
  });

  it("delivers whole snapshots when a tick's frames outgrow the bytes a batch starts with", () => {
    const rt = runner.realtime;
    if (!rt) throw new Error("runner is real-time");
    const padded: AnyGame = {
      ...runner,
      realtime: { ...rt, quantize: (state: RunnerState, viewer?: number | null) => [...rt.quantize(state, viewer), ...padding(rt.tick(state))] },
    };
    const race = startRace(padded, 4, 13);
    // What each client rebuilds from its frames: its last three arrays (docs/protocol.md §14).
    const seen = new Map<string, { older: number[]; prev: number[]; base: number[] }>();
    let keyframes = 0;
    let deltas = 0;
    race.r.tap((o: StepperOutput) => {
      if (o.kind !== "frame" || o.frame.t !== "snap") return;
      const was = seen.get(o.conn);
      const next = o.frame.key || !was ? o.frame.d : applySnapDelta(was.older, was.prev, was.base, o.frame.d);
      if (o.frame.key) keyframes++;
      else deltas++;
      expect(next.slice(-PAD)).toEqual(padding(o.frame.tick));
      seen.set(o.conn, o.frame.key || !was ? { older: next, prev: next, base: next } : { older: was.prev, prev: was.base, base: next });
    });
    for (let k = 0; k < 100; k++) stepRace(race);
    // Four keyframes of ~250 bytes leave in the race's first tick: more than a batch's 256.
    expect(keyframes).toBeGreaterThanOrEqual(4);
    expect(deltas).toBeGreaterThan(100);
  });

  it("hands out each tick's snapshots once, from one batch reused by every drain", () => {
    const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: 10 } }, { games: [runner], seed: 3 });
    for (let i = 0; i < 4; i++) r.connect(`c${i}`, `p${i}`);
    r.advance(1_000);
    const core = r.core;
    let now = r.now;
    const ticks = (fx: Effects): number[] =>
      fx.frames.map((f) => {
        const d = f instanceof Uint8Array ? decodeServerFrame(f) : null;
        return d?.ok && d.value.t === "snap" ? d.value.tick : -1;
      });
    core.advance((now += 50));
    const fx = core.drain();
    const first = ticks(fx);
    expect(first).toHaveLength(4);
    // A drain with nothing new since (the host's flush may make one) hands out nothing, not the same frames again.
    expect(core.drain().frames).toHaveLength(0);
    core.advance((now += 50));
    const next = core.drain();
    // The same batch, cleared when the core was called again (effects.ts): the next tick's frames only.
    expect(next).toBe(fx);
    expect(ticks(next)).toEqual(first.map((t) => t + 3));
  });

  it("sends the very same bytes for a game whose quantize returns one scratch array every call", () => {
    const rt = runner.realtime;
    if (!rt) throw new Error("runner is real-time");
    let scratch: number[] = [];
    const scratchRunner: AnyGame = {
      ...runner,
      realtime: {
        ...rt,
        quantize: (state: RunnerState, viewer?: number | null) => {
          const q = rt.quantize(state, viewer);
          scratch.length = q.length;
          for (let i = 0; i < q.length; i++) scratch[i] = q[i] ?? 0;
          return scratch;
        },
      },
    };
    const plain = raceBytes(runner, 3, 11);
    scratch = [];
    const reused = raceBytes(scratchRunner, 3, 11);
    expect([...reused.keys()]).toEqual([...plain.keys()]);
    for (const [conn, frames] of plain) expect(reused.get(conn)).toEqual(frames);
    expect(plain.get("s")?.length ?? 0).toBeGreaterThan(10);
  });

  it("gives the runner's snapshots from one reused array, with the values and wire bytes of a fresh array each time", () => {
    const rt = runner.realtime;
    if (!rt) throw new Error("runner is real-time");
    const a = runner.create(5, { durationSeconds: 10 }, 3, 0);
    const b = rt.step(a, []).state;
    const qa = rt.quantize(a);
    expect(qa).toEqual(quantize(a));
    const qb = rt.quantize(b);
    expect(qb).toBe(qa);
    expect(qb).toEqual(quantize(b));
    const freshRunner: AnyGame = { ...runner, realtime: { ...rt, quantize: (state: RunnerState) => quantize(state) } };
    const fresh = raceBytes(freshRunner, 3, 17);
    const reused = raceBytes(runner, 3, 17);
    for (const [conn, frames] of fresh) expect(reused.get(conn)).toEqual(frames);
  });

  it("applies buffered inputs by tick, then in arrival order, whatever order their ticks arrived in", () => {
    const r = new RoomStepper({ game: "runner", seats: 2, options: { durationSeconds: 10 } }, { games: [runner], seed: 5 });
    r.connect("c0", "p0");
    r.connect("c1", "p1");
    const rt = r.core.rt;
    const rec = r.core.record;
    if (!rt || rec.rtAnchor === null) throw new Error("the race runs");
    const t = rt.tick(rec);
    const admitted = [
      rt.admit(rec, 0, { tick: t + 3, jump: true }, 1, t + 3, r.now),
      rt.admit(rec, 1, { tick: t + 1, jump: true }, 1, t + 1, r.now),
      rt.admit(rec, 1, { tick: t + 3 }, 2, t + 3, r.now),
      rt.admit(rec, 0, { tick: t + 5 }, 2, t + 5, r.now),
    ];
    expect(admitted.map((a) => (a.ok ? a.applyTick - t : a.code))).toEqual([3, 1, 3, 5]);
    // Steps for ticks t .. t+3.
    const out = rt.advance(rec, rec.rtAnchor + (t + 4) * rt.stepMs);
    expect(out.steps).toBe(4);
    expect(out.applied.map((p) => [p.seat, p.inputId, p.applyTick - t])).toEqual([
      [1, 1, 1],
      [0, 1, 3],
      [1, 2, 3],
    ]);
    expect(rt.pendingTick(0, 2)).toBe(t + 5);
    expect(rt.lowestPending(0)).toBe(2);
    expect(rt.lowestPending(1)).toBeNull();
    expect(rt.drain().map((p) => [p.seat, p.inputId])).toEqual([[0, 2]]);
  });

  it("still closes a connection silent since before the last liveness check when it is restored after that check", () => {
    const r = new RoomStepper({ game: "runner", seats: 2, options: { durationSeconds: 10 } }, { games: [runner], seed: 9 });
    r.connect("c0", "p0");
    r.connect("c1", "p1");
    const core = r.core;
    const timeout = core.record.settings.heartbeatTimeoutMs;
    const now = r.now + 1_000;
    core.observeSeen("c0", now);
    core.observeSeen("c1", now);
    core.checkLiveness(now);
    core.drain();
    // A socket that survived hibernation, last seen long ago: silent at once.
    core.restore({ connId: "old", playerId: "p9", name: "p9", role: "spectator", seat: null, connectedAt: 0 }, now - timeout - 1);
    core.checkLiveness(now + 1);
    expect(core.drain().closes.map((c) => c.conn)).toEqual(["old"]);
  });

  it("keeps a view intact when the writer grows, and hands out a view again for the same place", () => {
    const w = new SnapWriter(4);
    w.byte(1);
    w.byte(2);
    const first = w.view(0);
    for (let i = 0; i < 100; i++) w.byte(9);
    expect(Array.from(first)).toEqual([1, 2]);
    w.reset();
    w.byte(7);
    w.byte(8);
    const again = w.view(0);
    expect(Array.from(again)).toEqual([7, 8]);
    w.reset();
    w.byte(5);
    w.byte(6);
    expect(w.view(0)).toBe(again);
    expect(Array.from(again)).toEqual([5, 6]);
  });

  it("keeps the views used most recently when a new view does not fit in the writer's cache", () => {
    const w = new SnapWriter(64);
    for (let i = 0; i < 32; i++) w.byte(i);
    // Sixteen views (the cache's size), the first one then used again.
    const views = Array.from({ length: 16 }, (_, start) => w.view(start));
    expect(w.view(0)).toBe(views[0]);
    // A seventeenth: the least recently used (the second) makes room, not the first.
    w.view(16);
    expect(w.view(0)).toBe(views[0]);
    expect(w.view(1)).not.toBe(views[1]);
    expect(Array.from(w.view(1))).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
  });
});
