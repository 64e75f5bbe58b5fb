import { appGames } from "../support/app-games";
import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/protocol";
import { SnapshotStream } from "../../src/client/realtime";
import { stateHash } from "../../src/protocol";
import { verifyReplay } from "../../src/replay/verify";
import { CHECKPOINT_MS } from "../../src/room/core/realtime-play";
import { RoomStepper } from "../support/room-stepper";

function runnerRoom(seats: number, extra: Record<string, unknown> = {}) {
  const r = new RoomStepper({ game: "runner", seats, options: { durationSeconds: 10 }, ...extra });
  for (let i = 0; i < seats; i++) r.connect(`c${i}`, `p${i}`);
  return r;
}

type Snap = { t: "snap"; tick: number; ack: number | null; key: boolean; d: number[]; dur?: number };
const snaps = (r: RoomStepper, conn: string) => r.frames(conn).filter((f): f is Snap => f.t === "snap");

describe("real-time rooms, stepped by hand", () => {
  it("runs the countdown and race at fixed ticks, sends a keyframe then deltas, and ends with a result", () => {
    const r = runnerRoom(4);
    expect(r.core.record.status).toBe("playing");
    r.advance(20_000);
    expect(r.core.record.status).toBe("finished");
    const s = snaps(r, "c0");
    expect(s[0]?.key).toBe(true);
    expect(s.slice(1).every((x) => !x.key)).toBe(true);
    // Deltas applied in order rebuild exactly the full quantised state.
    const stream = new SnapshotStream();
    for (const x of s) expect(stream.apply(x).kind).toBe("applied");
    const last = s.at(-1);
    expect(last?.tick).toBe((r.core.record.game as { tick: number }).tick);
    expect(stream.values).toEqual(r.core.game.realtime?.quantize(r.core.record.game));
    // Ticks advance three per snapshot (60 Hz simulation, 20 Hz snapshots) with none skipped or repeated.
    const ticks = s.map((x) => x.tick);
    expect(ticks.slice(1, 20).every((t, i) => t - (ticks[i] ?? 0) === 3)).toBe(true);
    const events = r.frames("c0").flatMap((f) => (f.t === "update" ? f.events.map((e) => e.type) : []));
    expect(events).toContain("raceStarted");
    expect(events).toContain("matchEnded");
    expect(r.core.record.result?.ranking).toHaveLength(4);
  });

  it("keeps the bytes per client per snapshot small in a 4-player room", () => {
    const r = new RoomStepper({ game: "runner", seats: 4, options: { durationSeconds: 10 } });
    const sizes: { key: boolean; bytes: number }[] = [];
    r.tap((out) => {
      if (out.kind === "frame" && out.conn === "c0" && out.frame.t === "snap") sizes.push({ key: out.frame.key, bytes: out.bytes.byteLength });
    });
    for (let i = 0; i < 4; i++) r.connect(`c${i}`, `p${i}`);
    r.advance(8_000);
    const bytes = sizes.filter((x) => !x.key).map((x) => x.bytes);
    const avg = bytes.reduce((a, b) => a + b, 0) / bytes.length;
    const keyBytes = sizes.find((x) => x.key)?.bytes ?? 0;
    console.log(`runner delta snapshot: avg ${avg.toFixed(1)} B, max ${Math.max(...bytes)} B over ${bytes.length} snapshots (keyframe ${keyBytes} B)`);
    // The room is stepped by hand from fixed seeds: the figures are exact, and each is asserted.
    expect(bytes.length).toBe(98);
    expect(avg.toFixed(1)).toBe("4.1");
    expect(Math.max(...bytes)).toBe(24);
    expect(keyBytes).toBe(33); // with `dur` (durable through), which keyframes always carry
    // And the budget they must stay inside whatever changes: every delta under 32 B per client.
    expect(Math.max(...bytes)).toBeLessThan(32);
  });

  it("applies an input at its tick, acknowledges it on admission, confirms it durable in snap.dur, and never applies a re-sent id twice", () => {
    const r = runnerRoom(2);
    r.advance(3_500);
    const tick = (r.core.record.game as { tick: number }).tick;
    r.send("c0", { t: "input", id: 1, data: { tick, jump: true } });
    expect(r.last("c0", "ack")).toEqual({ t: "ack", id: 1, seq: null, tick, dup: false });
    r.advance(CHECKPOINT_MS + 100);
    // `ack` is in a snap's header only when it changed: the last one sent says 1; `dur` (durable through) too.
    expect(snaps(r, "c0").filter((x) => x.ack !== null).at(-1)?.ack).toBe(1);
    expect(snaps(r, "c0").reduce((d, x) => x.dur ?? d, 0)).toBe(1);
    r.send("c0", { t: "input", id: 1, data: { tick: tick + 5, jump: true } });
    expect(r.last("c0", "ack")).toMatchObject({ id: 1, dup: true });
    const inputs = r.actions.filter((a) => a.kind === "input");
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ tick });
  });

  it("rejects late, early, over-budget and knocked-out inputs without changing anything", () => {
    const r = runnerRoom(2);
    r.advance(3_500);
    const tick = (r.core.record.game as { tick: number }).tick;
    r.send("c0", { t: "input", id: 1, data: { tick: tick - 50, jump: true } });
    expect(r.last("c0", "gameError")).toMatchObject({ id: 1, code: "INPUT_TOO_LATE" });
    r.send("c0", { t: "input", id: 2, data: { tick: tick + 500, jump: true } });
    expect(r.last("c0", "gameError")).toMatchObject({ id: 2, code: "INPUT_TOO_EARLY" });
    for (let id = 3; id < 8; id++) r.send("c1", { t: "input", id, data: { tick: tick + 1, duck: id % 2 === 0 } });
    expect(r.frames("c1").filter((f) => f.t === "gameError" && f.code === "INPUT_BUDGET")).toHaveLength(3);
    r.send("c0", { t: "input", id: 9, data: { tick, jump: Number.NaN } as unknown as { tick: number } });
    expect(r.last("c0", "gameError")).toMatchObject({ id: 9, code: "INVALID_INPUT" });
  });

  it("gains nothing for a client sending at ten times the allowed rate", () => {
    const r = runnerRoom(2);
    r.advance(3_500);
    const tick = (r.core.record.game as { tick: number }).tick;
    for (let id = 1; id <= 40; id++) r.send("c0", { t: "input", id, data: { tick, jump: true } });
    r.advance(100);
    const applied = r.actions.filter((a) => a.kind === "input" && a.seat === 0);
    expect(applied.length).toBeLessThanOrEqual(2);
  });

  it("starts with the seats filled so far when the ready timeout expires", () => {
    const r = new RoomStepper({ game: "runner", seats: 4, readyTimeoutMs: 5_000 });
    r.connect("c0", "p0");
    r.connect("c1", "p1");
    expect(r.core.record.status).toBe("waiting");
    r.advance(5_000);
    expect(r.core.record.status).toBe("playing");
    expect(r.core.record.seats).toHaveLength(2);
  });

  it("produces a replay that re-simulates to the recorded result", () => {
    const r = runnerRoom(3);
    r.advance(4_000);
    const tick = (r.core.record.game as { tick: number }).tick;
    r.send("c1", { t: "input", id: 1, data: { tick, jump: true } });
    r.disconnect("c2");
    r.advance(30_000);
    const rec = r.core.record;
    expect(rec.status).toBe("finished");
    const doc = { matchId: rec.matchId, game: rec.settings.game, settings: rec.settings, result: rec.result, rounds: rec.reveals, actions: r.actions };
    const verified = verifyReplay(JSON.parse(JSON.stringify(doc)), appGames);
    expect(verified).toMatchObject({ ok: true, result: rec.result });
    // The replay ends in exactly the server's final state, not just the same result.
    expect(verified.rounds.at(-1)?.stateHash).toBe(stateHash(rec.game));
  });
});
