/**
 * Real-time inputs get exactly one answer, and a rebuilt race holds until its players are back
 * (issue: an acknowledged runner input could be lost, and a restart could decide a race).
 */
import { describe, expect, it } from "vitest";
import { scriptedInput, step, type RunnerInput, type RunnerState } from "../../src/games/runner";
import { stateHash, type ServerFrame } from "../../src/protocol";
import { CHECKPOINT_MS, DURABLE_LAG_INPUTS, RESUME_COUNTDOWN_MS } from "../../src/room/core/realtime-play";
import { RoomStepper } from "../support/room-stepper";

const tickOf = (r: RoomStepper) => (r.core.record.game as RunnerState).tick;

function runnerRoom(seats: number, durationSeconds = 20) {
  const r = new RoomStepper({ game: "runner", seats, options: { durationSeconds } });
  for (let i = 0; i < seats; i++) r.connect(`c${i}`, `p${i}`);
  return r;
}

/**
 * Scripted players that never miss: at each snapshot boundary (state at tick T) they predict the
 * next three ticks with the game's own step and send each input stamped for the tick it is meant for.
 */
function playPerfectly(r: RoomStepper, conns: string[], ids: number[], sent?: { id: number; data: RunnerInput }[]): void {
  const rec = r.core.record;
  if (rec.status !== "playing" || rec.rtHold !== null || rec.rtResumeAt !== null) return;
  let state = rec.game as RunnerState;
  for (let k = 0; k < 3; k++) {
    const inputs: { seat: number; input: RunnerInput }[] = [];
    conns.forEach((conn, seat) => {
      const input = scriptedInput(state, seat);
      if (!input || !r.core.conns.get(conn)) return;
      ids[seat] = (ids[seat] ?? 0) + 1;
      r.send(conn, { t: "input", id: ids[seat], data: input });
      if (seat === 0) sent?.push({ id: ids[seat], data: input });
      inputs.push({ seat, input });
    });
    state = step(state, inputs).state;
  }
}

/** Advance `ms` in snapshot intervals with the scripted players playing. */
function race(r: RoomStepper, conns: string[], ids: number[], ms: number): void {
  for (let t = 0; t < ms && r.core.record.status === "playing"; t += 50) {
    playPerfectly(r, conns, ids);
    r.advance(50);
  }
}

/** Every answer (ack or gameError) to input `id` that any connection of the seat received. */
function answers(r: RoomStepper, conns: string[], id: number): ServerFrame[] {
  return conns.flatMap((c) => r.frames(c).filter((f) => (f.t === "ack" || f.t === "gameError") && f.id === id));
}

/** Every snap a connection receives must claim as durable only what storage holds at that moment. */
function checkDurableAcks(r: RoomStepper): { checked: number } {
  const seen = { checked: 0 };
  r.tap((out) => {
    if (out.kind !== "frame" || out.frame.t !== "snap") return;
    const seat = r.core.conns.get(out.conn)?.seat;
    if (seat === null || seat === undefined) return;
    if (out.frame.dur === undefined) return;
    seen.checked++;
    expect(out.frame.dur).toBeLessThanOrEqual(r.durable.seats[seat]?.lastInputId ?? 0);
  });
  return seen;
}

const snapsOf = (r: RoomStepper, conn: string) => r.frames(conn).flatMap((f) => (f.t === "snap" ? [f] : []));
/** The applied id a connection last heard (`snap.ack` rides only when it moves, and on keyframes), 0 before any. */
const ackOf = (r: RoomStepper, conn: string) => snapsOf(r, conn).reduce((a, f) => f.ack ?? a, 0);
/** The durable-through id a connection last heard (`snap.dur` rides only when it moves), 0 before any. */
const durOf = (r: RoomStepper, conn: string) => snapsOf(r, conn).reduce((d, f) => f.dur ?? d, 0);

describe("real-time inputs: exactly one answer each, at admission", () => {
  it("answers an input at once with the tick it is scheduled for, and confirms it durable in snap.dur only once it is written", () => {
    const r = runnerRoom(2);
    const durable = checkDurableAcks(r);
    r.advance(3_500);
    const tick = tickOf(r);
    const writes = r.writes;
    r.send("c0", { t: "input", id: 1, data: { tick: tick + 10, jump: true } });
    expect(answers(r, ["c0"], 1)).toEqual([{ t: "ack", id: 1, seq: null, tick: tick + 10, dup: false }]);
    expect(r.writes).toBe(writes); // admission writes nothing
    r.advance(400);
    expect(tickOf(r)).toBeGreaterThan(tick + 10);
    expect(ackOf(r, "c0")).toBe(1);
    expect(durOf(r, "c0")).toBe(0);
    // Applied, and durable only once a write carried it: every snap's ack was checked against storage.
    r.advance(CHECKPOINT_MS);
    expect(ackOf(r, "c0")).toBe(1);
    expect(durOf(r, "c0")).toBe(1);
    expect(r.durable.seats[0]?.lastInputId).toBe(1);
    expect(r.actions.filter((a) => a.kind === "input")).toEqual([expect.objectContaining({ inputId: 1, tick: tick + 10 })]);
    expect(answers(r, ["c0"], 1)).toHaveLength(1);
    expect(durable.checked).toBeGreaterThanOrEqual(2);
    // A re-send of an applied input: its recorded outcome again, with the tick it was applied at.
    r.send("c0", { t: "input", id: 1, data: { tick: tick + 300, jump: true } });
    expect(answers(r, ["c0"], 1).at(-1)).toEqual({ t: "ack", id: 1, seq: null, tick: tick + 10, dup: true });
  });

  it("writes as soon as one seat has DURABLE_LAG_INPUTS applied inputs not yet durable, so snap.dur never trails a busy seat further", () => {
    const r = runnerRoom(2);
    const durable = checkDurableAcks(r);
    r.advance(3_500);
    const start = tickOf(r);
    const writes = r.writes;
    // One input per tick for a busy seat (button-less inputs change nothing), all applied within 400 ms
    // (the first test shows nothing is written in that span for one input).
    const busy = DURABLE_LAG_INPUTS + 4;
    for (let id = 1; id <= busy; id++) r.send("c0", { t: "input", id, data: { tick: start + 1 + id } });
    expect(answers(r, ["c0"], busy)).toEqual([expect.objectContaining({ t: "ack", dup: false })]);
    r.advance(400);
    expect(ackOf(r, "c0")).toBe(busy);
    // Written once the 16th was applied (well before the checkpoint), and snap.dur said so.
    expect(r.writes).toBeGreaterThan(writes);
    expect(durOf(r, "c0")).toBeGreaterThanOrEqual(DURABLE_LAG_INPUTS);
    expect(r.durable.seats[0]?.lastInputId).toBeGreaterThanOrEqual(DURABLE_LAG_INPUTS);
    expect(durable.checked).toBeGreaterThanOrEqual(1);
  });

  it("sends snap.dur on each keyframe and only when it moved, never to spectators, and never above what storage holds", () => {
    const r = runnerRoom(2);
    r.connect("watch", "w0", "spectator");
    const durable = checkDurableAcks(r);
    race(r, ["c0", "c1"], [0, 0], 12_000);
    const s = snapsOf(r, "c0");
    expect(s[0]).toMatchObject({ key: true, dur: 0 });
    let last = -1;
    for (const f of s) {
      if (f.dur !== undefined) {
        expect(f.key || f.dur !== last).toBe(true);
        last = f.dur;
      }
    }
    const withDur = s.filter((f) => f.dur !== undefined).length;
    // Moves only at writes (the checkpoint every 5 s and the updates): a handful out of ~240 snaps.
    expect(withDur).toBeGreaterThan(1);
    expect(withDur).toBeLessThan(s.length / 10);
    expect(last).toBe(r.durable.seats[0]?.lastInputId);
    expect(snapsOf(r, "watch").every((f) => f.dur === undefined)).toBe(true);
    expect(durable.checked).toBe(withDur + snapsOf(r, "c1").filter((f) => f.dur !== undefined).length);
  });

  it("follows the admission ack of an input stamped after a resign with a final ROUND_ENDED notice, and never applies it in the rematch", () => {
    const r = runnerRoom(2);
    r.advance(3_500);
    const tick = tickOf(r);
    r.send("c0", { t: "input", id: 1, data: { tick: tick + 25, jump: true } });
    expect(answers(r, ["c0"], 1)).toEqual([expect.objectContaining({ t: "ack", tick: tick + 25, dup: false })]);
    r.send("c1", { t: "resign", id: 1 });
    expect(r.core.record.status).toBe("finished");
    expect(answers(r, ["c0"], 1)).toEqual([expect.objectContaining({ t: "ack", dup: false }), expect.objectContaining({ t: "gameError", id: 1, code: "ROUND_ENDED", dup: false })]);
    r.send("c0", { t: "rematch", id: 2 });
    r.send("c1", { t: "rematch", id: 2 });
    expect(r.core.record.round).toBe(2);
    r.advance(CHECKPOINT_MS + 5_000);
    expect(r.actions.filter((a) => a.kind === "input" && a.inputId === 1)).toEqual([]);
    expect(answers(r, ["c0"], 1)).toHaveLength(2);
  });

  it("admits inputs stamped past the race's last tick, then tells which were not applied; re-sends get the same outcome", () => {
    // Three runners, so the race goes on to its last tick even if seat 0 falls once it stops playing.
    const r = runnerRoom(3, 10);
    const maxTicks = (r.core.record.game as RunnerState).maxTicks;
    const ids = [0, 0, 0];
    race(r, ["c0", "c1", "c2"], ids, ((maxTicks - 20) * 1000) / 60);
    expect(r.core.record.status).toBe("playing");
    const first = (ids[0] ?? 0) + 1;
    const stamps = [maxTicks - 10, maxTicks - 1, maxTicks + 2, maxTicks + 4, maxTicks + 8];
    stamps.forEach((tick, i) => r.send("c0", { t: "input", id: first + i, data: { tick, duck: i % 2 === 0 } }));
    race(r, ["c0-stopped", "c1", "c2"], ids, 2_000);
    r.advance(1_000);
    expect(r.core.record.status).toBe("finished");
    const outcomes = stamps.map((_, i) => answers(r, ["c0"], first + i).map((f) => (f.t === "gameError" ? f.code : f.t)));
    expect(outcomes).toEqual([["ack"], ["ack"], ["ack", "ROUND_ENDED"], ["ack", "ROUND_ENDED"], ["ack", "ROUND_ENDED"]]);
    // A re-send (say after a reconnect) of an input that was never applied is not answered `dup` as if applied.
    r.disconnect("c0");
    r.connect("c0b", "p0", "player", 1, { session: "session-p0", lastSeq: r.core.record.seq });
    r.send("c0b", { t: "input", id: first + 2, data: { tick: maxTicks + 2, duck: true } });
    r.send("c0b", { t: "input", id: first, data: { tick: maxTicks - 10, duck: true } });
    expect(answers(r, ["c0b"], first + 2)).toEqual([expect.objectContaining({ t: "gameError", code: "ROUND_ENDED", dup: true })]);
    expect(answers(r, ["c0b"], first)).toEqual([expect.objectContaining({ t: "ack", tick: maxTicks - 10, dup: true })]);
    const applied = r.actions.flatMap((a) => (a.kind === "input" && a.seat === 0 && a.inputId !== null && a.inputId >= first ? [a.inputId] : []));
    expect(applied).toEqual([first, first + 1]);
  });

  it("remembers the outcomes of a seat's last 32 inputs, as the protocol promises: older re-sends are answered 'already processed, outcome unknown'", () => {
    const r = runnerRoom(2);
    r.advance(3_500);
    const appliedAt: number[] = [];
    for (let id = 1; id <= 33; id++) {
      const tick = tickOf(r) + 2;
      appliedAt[id] = tick;
      r.send("c0", { t: "input", id, data: { tick } });
      r.advance(50);
    }
    r.advance(200);
    expect(r.core.record.seats[0]?.lastInputId).toBe(33);
    // The 32 newest (ids 2 … 33): their outcome again, with the tick each was applied at.
    r.send("c0", { t: "input", id: 2, data: { tick: tickOf(r) + 2 } });
    expect(answers(r, ["c0"], 2).at(-1)).toEqual({ t: "ack", id: 2, seq: null, tick: appliedAt[2], dup: true });
    // Id 1 is no longer remembered: never applied again, and not claimed as applied either.
    r.send("c0", { t: "input", id: 1, data: { tick: tickOf(r) + 2 } });
    expect(answers(r, ["c0"], 1).at(-1)).toEqual({ t: "ack", id: 1, seq: null, dup: true });
    // Neither re-send was applied again (the button-less runners fall at the first obstacle and end the
    // race, so the log holds the inputs applied before that, each once).
    r.advance(CHECKPOINT_MS + 1_000);
    const logged = r.actions.flatMap((a) => (a.kind === "input" ? [a.inputId] : []));
    expect(logged.slice(0, 2)).toEqual([1, 2]);
    expect(new Set(logged).size).toBe(logged.length);
  });

  it("answers a re-send of an input still waiting for its tick with dup and its tick, and applies it once", () => {
    const r = runnerRoom(2);
    r.advance(3_500);
    const tick = tickOf(r);
    r.send("c0", { t: "input", id: 1, data: { tick: tick + 20, jump: true } });
    r.disconnect("c0");
    r.connect("c0b", "p0", "player", 1, { session: "session-p0", lastSeq: r.core.record.seq });
    r.send("c0b", { t: "input", id: 1, data: { tick: tick + 20, jump: true } });
    expect(answers(r, ["c0"], 1)).toEqual([{ t: "ack", id: 1, seq: null, tick: tick + 20, dup: false }]);
    expect(answers(r, ["c0b"], 1)).toEqual([{ t: "ack", id: 1, seq: null, tick: tick + 20, dup: true }]);
    r.advance(CHECKPOINT_MS + 1_000);
    expect(answers(r, ["c0", "c0b"], 1)).toHaveLength(2);
    expect(r.actions.filter((a) => a.kind === "input")).toHaveLength(1);
  });

  it("applies a seat's inputs in id order, so an earlier stamp on a later id never jumps the queue", () => {
    const r = runnerRoom(2);
    r.advance(3_500);
    const tick = tickOf(r);
    r.send("c0", { t: "input", id: 1, data: { tick: tick + 10, duck: true } });
    r.send("c0", { t: "input", id: 2, data: { tick: tick + 1, duck: false } });
    expect(answers(r, ["c0"], 2)).toEqual([expect.objectContaining({ t: "ack", tick: tick + 10 })]);
    r.advance(CHECKPOINT_MS + 1_000);
    const applied = r.actions.flatMap((a) => (a.kind === "input" ? [[a.inputId, a.tick]] : []));
    expect(applied).toEqual([[1, tick + 10], [2, tick + 10]]);
  });

  it("after a restart answers the inputs snap.dur covered dup, admits afresh the ones it lost, and applies each exactly once", () => {
    const r = runnerRoom(2);
    const sent: { id: number; data: RunnerInput }[] = [];
    const ids = [0, 0];
    for (let t = 0; t < 3_500 + CHECKPOINT_MS + 700; t += 50) {
      playPerfectly(r, ["c0", "c1"], ids, sent);
      r.advance(50);
    }
    // `ack` rides only when it changed: the last one sent is the seat's applied id.
    const appliedId = snapsOf(r, "c0").reduce((a, f) => f.ack ?? a, 0);
    const ack = durOf(r, "c0");
    expect(appliedId > ack && ack > 0).toBe(true);
    r.restart();
    r.connect("c0b", "p0", "player", 1, { session: "session-p0", lastSeq: r.core.record.seq });
    r.connect("c1b", "p1", "player", 1, { session: "session-p1", lastSeq: r.core.record.seq });
    // The client re-sends every input snap.dur did not cover (and here the covered ones too).
    for (const { id, data } of sent) r.send("c0b", { t: "input", id, data });
    for (const { id } of sent.filter((x) => x.id <= ack)) expect(answers(r, ["c0b"], id)).toEqual([expect.objectContaining({ t: "ack", dup: true })]);
    const fresh = sent.filter((x) => x.id > ack).map(({ id }) => answers(r, ["c0b"], id));
    expect(fresh.every((a) => a.length === 1 && a[0]?.t === "ack" && a[0].dup === false)).toBe(true);
    r.advance(RESUME_COUNTDOWN_MS + CHECKPOINT_MS + 1_000);
    const applied = r.actions.flatMap((a) => (a.kind === "input" && a.seat === 0 && a.inputId !== null ? [a.inputId] : []));
    expect(new Set(applied).size).toBe(applied.length);
    for (let id = 1; id <= ack; id++) if (sent.some((x) => x.id === id)) expect(applied).toContain(id);
  });
});

describe("a rebuilt race holds until its players can send", () => {
  it("stays at its last durable tick while nobody is back, then counts down and resumes there", () => {
    const r = runnerRoom(2);
    race(r, ["c0", "c1"], [0, 0], 6_000);
    r.restart();
    const held = tickOf(r);
    expect(held).toBeLessThanOrEqual(6_000 / (1000 / 60));
    r.advance(5_000);
    expect(tickOf(r)).toBe(held);
    r.connect("c0b", "p0", "player", 1, { session: "session-p0", lastSeq: 0 });
    r.advance(3_000);
    expect(tickOf(r)).toBe(held);
    r.connect("c1b", "p1", "player", 1, { session: "session-p1", lastSeq: 0 });
    const backAt = r.now;
    r.advance(50);
    const resuming = r.frames("c0b").flatMap((f) => (f.t === "update" ? f.events : [])).find((e) => e.type === "raceResuming");
    expect(resuming).toMatchObject({ tick: held, at: expect.any(Number) });
    const at = Number(resuming?.["at"]);
    expect(at - backAt).toBeGreaterThanOrEqual(RESUME_COUNTDOWN_MS);
    expect(at - backAt).toBeLessThanOrEqual(RESUME_COUNTDOWN_MS + 50);
    r.advance(at - r.now - 1);
    expect(tickOf(r)).toBe(held);
    race(r, ["c0b", "c1b"], [100, 100], 1_000);
    // Tick `held` runs at `at`: a second later the race is about 60 ticks further (the last snapshot
    // boundary), not the 300 held ticks plus 60 a catch-up would run.
    expect(tickOf(r)).toBeGreaterThanOrEqual(held + 57);
    expect(tickOf(r)).toBeLessThanOrEqual(held + 60);
  });

  it("resumes without a seat whose grace ended while held (the game forfeits it)", () => {
    const r = runnerRoom(3);
    race(r, ["c0", "c1", "c2"], [0, 0, 0], 6_000);
    r.restart();
    const held = tickOf(r);
    r.connect("c0b", "p0", "player", 1, { session: "session-p0", lastSeq: 0 });
    r.connect("c2b", "p2", "player", 1, { session: "session-p2", lastSeq: 0 });
    r.advance(r.core.record.settings.graceMs + RESUME_COUNTDOWN_MS + 1_000);
    expect(tickOf(r)).toBeGreaterThan(held);
    expect(r.actions.filter((a) => a.kind === "forfeit")).toEqual([expect.objectContaining({ seat: 1, reason: "forfeit", tick: held })]);
  });

  it("ends a race with scripted players exactly as without the faults, through restarts with players away", () => {
    const play = (restartsAt: number[]) => {
      const r = runnerRoom(4, 30);
      const ids = [0, 0, 0, 0];
      let conns = ["c0", "c1", "c2", "c3"];
      for (let t = 0, generation = 0; r.core.record.status === "playing" && t < 60_000; t += 50) {
        if (restartsAt.includes(t)) {
          r.restart();
          r.advance(3_000 + 500 * (generation % 3)); // the server is back, its players are not yet
          generation++;
          conns = conns.map((_, seat) => `g${generation}c${seat}`);
          conns.forEach((conn, seat) => r.connect(conn, `p${seat}`, "player", 1, { session: `session-p${seat}`, lastSeq: 0 }));
        }
        playPerfectly(r, conns, ids);
        r.advance(50);
      }
      return r;
    };
    const clean = play([]);
    const faulty = play([8_000, 15_000, 21_000]);
    const outs = (r: RoomStepper) => (r.core.record.game as RunnerState).players.map((p) => p.outAt);
    expect(clean.core.record.status).toBe("finished");
    expect(faulty.core.record.status).toBe("finished");
    expect(outs(clean)).toEqual([null, null, null, null]);
    expect(outs(faulty)).toEqual([null, null, null, null]);
    expect(faulty.core.record.result).toEqual(clean.core.record.result);
    expect(stateHash(faulty.core.record.game)).toBe(stateHash(clean.core.record.game));
  });
});
