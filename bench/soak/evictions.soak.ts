/**
 * Soak, workerd part (run by `npm run soak`, not by `npm test`): evictions of a room mid-match, with
 * its sockets kept and with them closed, and alarm runs with a due timer delivered more than once,
 * in sequence and concurrently. Prints one `SOAK_FIGURES {json}` line that bench/soak/evictions.ts
 * checks; the assertions here make the run fail on their own too.
 */
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { createState, dropDisc, type C4State } from "../../src/games/connect-four/rules";
import { Rng } from "../../src/games/rng";
import type { RoomHost } from "../../src/room/host/room-object";
import type { TestSocket } from "../../test/support/test-socket";
import { api, join, twoPlayerMatch } from "../../test/workers/helpers";

const EVICTIONS = Number((env as unknown as Record<string, string>)["SOAK_EVICTIONS"] ?? "200");
const ALARMS = Number((env as unknown as Record<string, string>)["SOAK_ALARMS"] ?? "1000");
const stubFor = (matchId: string) => env.ROOMS.get(env.ROOMS.idFromName(matchId));

interface Replay {
  actions: Array<{ kind: string; seat?: number; inputId?: number | null; reason?: string }>;
}

/** Updates seen on a socket: each seq must be the last + 1 (the welcome's seq starts the count). */
function seqAudit(s: TestSocket): { gaps: number; duplicates: number; updates: number } {
  let last: number | null = null;
  const a = { gaps: 0, duplicates: 0, updates: 0 };
  for (const f of s.frames) {
    if (f.t === "welcome") last = f.seq;
    else if (f.t === "update") {
      a.updates++;
      if (last !== null && f.seq <= last) a.duplicates++;
      else if (last !== null && f.seq !== last + 1) a.gaps++;
      last = Math.max(last ?? f.seq, f.seq);
    }
  }
  return a;
}

/**
 * One Connect Four match per eviction, played to its end; after the round's last move the room is
 * evicted (`keep`: sockets kept; `close`: every socket closed, players rejoin resuming from their last
 * seq; see the loop for why not mid-play), then the move is sent again with its id: the room must
 * answer `dup` and apply nothing.
 */
async function evictionRun(kind: "keep" | "close", count: number, seed: number) {
  const rng = new Rng(seed);
  const f = { evictions: 0, dupAnswers: 0, appliedTwice: 0, lost: 0, socketsSurvived: 0, socketsClosed: 0, resumedByReplay: 0, gaps: 0, duplicates: 0, updates: 0, matches: 0 };
  while (f.evictions < count) {
    const m = await twoPlayerMatch({ graceMs: 600_000 });
    // Real clients ping: a seat silent past the heartbeat timeout (3.5 s) would be closed as half-open.
    m.a.startHeartbeat(1000);
    m.b.startHeartbeat(1000);
    f.matches++;
    let socks: [TestSocket, TestSocket] = [m.a, m.b];
    const retired: TestSocket[] = [];
    const guests = [m.alice, m.bob];
    const started = [...m.a.frames].reverse().find((x) => x.t === "update");
    const firstSeat = started?.t === "update" ? (started.room.view as { firstSeat: number }).firstSeat : 0;
    let state: C4State = createState(firstSeat);
    const ids = [0, 0];
    const acked: Array<{ seat: number; id: number }> = [];
    while (f.evictions < count) {
      const seat = state.turn;
      const legal = [0, 1, 2, 3, 4, 5, 6].filter((c) => dropDisc(state, seat, c).ok);
      if (legal.length === 0) break; // the round is over (won or drawn): next match
      const column = legal[rng.int(legal.length)]!;
      const next = dropDisc(state, seat, column);
      if (!next.ok) throw new Error("illegal move chosen");
      const id = ++ids[seat]!;
      const sock = socks[seat]!;
      sock.send({ t: "input", id, data: { type: "dropDisc", column } });
      const ack = await sock.next("ack", (x) => x.id === id);
      if (ack.dup) f.appliedTwice++;
      acked.push({ seat, id });
      state = next.state;
      // workerd's eviction hook (evictDurableObject, either mode) waits until nothing is pending in the
      // object, and during play the turn-based liveness watchdog (a 500 ms in-memory timer while a
      // seated player is connected and pinging) is always pending: measured, a close-mode eviction of a
      // room in play with pinging players times out, without pings it waits until the watchdog closed
      // the silent sockets. On the platform a deploy or crash does not wait (the kills phase covers
      // that mid-play). So both modes evict once the round is over (its last move just acked); the
      // re-sent last move must still be answered `dup`.
      const over = [0, 1, 2, 3, 4, 5, 6].every((c) => !dropDisc(state, state.turn, c).ok);
      if (!over) continue;
      await socks[0]!.nextEvent("matchEnded");
      // The room's last directory report (an in-memory timer and an RPC) is pending too.
      await runInDurableObject(stubFor(m.matchId), (o: RoomHost) => o.directoryIdle());
      await evictDurableObject(stubFor(m.matchId), kind === "close" ? { webSockets: "close" } : undefined);
      f.evictions++;
      if (kind === "close") {
        await Promise.all(socks.map((s) => s.closed));
        f.socketsClosed += 2;
        const resumed: TestSocket[] = [];
        for (const [i, s] of socks.entries()) {
          const w = s.frames.find((x) => x.t === "welcome");
          const last = [...s.frames].reverse().find((x) => x.t === "update" || x.t === "welcome");
          const session = w?.t === "welcome" ? w.session : "";
          const lastSeq = last && "seq" in last ? last.seq : 0;
          const again = (await join(guests[i]!, m.matchId, "player", { session, lastSeq })).startHeartbeat(1000);
          const welcome = await again.next("welcome");
          if (welcome.resume.status === "replayed") f.resumedByReplay++;
          resumed.push(again);
        }
        retired.push(...socks);
        socks = [resumed[0]!, resumed[1]!];
      } else {
        // Both sockets kept through the eviction: each still answers a sync.
        for (const [i, s] of socks.entries()) {
          s.send({ t: "sync", c: f.evictions * 2 + i });
          await s.next("sync", (x) => x.c === f.evictions * 2 + i);
          f.socketsSurvived++;
        }
      }
      // The same input again, after the eviction: known, answered dup, not applied.
      const again = socks[seat]!;
      again.send({ t: "input", id, data: { type: "dropDisc", column } });
      const dup = await again.next("ack", (x) => x.id === id);
      if (dup.dup) f.dupAnswers++;
      else f.appliedTwice++;
    }
    // Sync both sockets so every update sent so far is in their frame logs, then audit them.
    for (const [i, s] of socks.entries()) {
      s.send({ t: "sync", c: -1 - i });
      await s.next("sync", (x) => x.c === -1 - i);
    }
    for (const s of [...retired, ...socks]) {
      const a = seqAudit(s);
      f.gaps += a.gaps;
      f.duplicates += a.duplicates;
      f.updates += a.updates;
    }
    // Against the room's own log (readable once the match is over: resign it).
    socks[0]!.send({ t: "resign", id: ++ids[0]! });
    const status = (await (await api.status(m.matchId)).json()) as { status: string };
    if (status.status !== "finished") await socks[1]!.nextEvent("matchEnded");
    const replay = (await (await api.fetch(`${api.base}/api/matches/${m.matchId}/replay`)).json()) as Replay;
    const inputs = replay.actions.filter((a) => a.kind === "input");
    for (const a of acked) {
      const times = inputs.filter((x) => x.seat === a.seat && x.inputId === a.id).length;
      if (times === 0) f.lost++;
      if (times > 1) f.appliedTwice += times - 1;
    }
    if (inputs.length !== acked.length) f.appliedTwice += Math.max(0, inputs.length - acked.length);
    for (const s of socks) s.close();
  }
  return f;
}

/**
 * Alarm runs with a due timer: a match whose 1 s turn clock nobody answers. The runtime's own alarm is
 * deleted first, so the runs made here are the only deliveries; once the clock is past due the alarm
 * handler runs `deliveries` times, one after the other or all at once. Exactly one effect each: one
 * `forfeit` (timeout) action and one `matchEnded` per socket.
 */
async function alarmRun(mode: "sequence" | "concurrent", deliveries: number) {
  const m = await twoPlayerMatch({ turnMs: 1000 });
  const stub = stubFor(m.matchId);
  const deadline = await runInDurableObject(stub, async (o: RoomHost, state: DurableObjectState) => {
    const at = await state.storage.getAlarm();
    await state.storage.deleteAlarm();
    return { at, status: JSON.parse((await o.status()) ?? "null") as { turnDeadline: number | null } };
  });
  const due = deadline.status.turnDeadline ?? Date.now() + 1000;
  // Wait for the clock to be due (the timer itself is what is under test; nothing else fires it now).
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now() + 20)));
  const runs: boolean[] = [];
  const one = () =>
    runInDurableObject(stub, async (o: RoomHost) => {
      const before = JSON.parse((await o.status()) ?? "null") as { status: string };
      await o.alarm();
      return before.status === "playing";
    });
  if (mode === "sequence") for (let i = 0; i < deliveries; i++) runs.push(await one());
  else runs.push(...(await Promise.all(Array.from({ length: deliveries }, one))));
  await m.b.nextEvent("matchEnded");
  const replay = (await (await api.fetch(`${api.base}/api/matches/${m.matchId}/replay`)).json()) as Replay;
  // Let any further frame arrive before counting (a sync answer comes after every frame sent before it).
  m.b.send({ t: "sync", c: 7 });
  await m.b.next("sync", (x) => x.c === 7);
  m.a.send({ t: "sync", c: 7 });
  await m.a.next("sync", (x) => x.c === 7);
  const ended = [m.a, m.b].map((s) => s.frames.filter((f) => f.t === "update" && f.events.some((e) => e.type === "matchEnded")).length);
  m.a.close();
  m.b.close();
  return {
    runs: runs.length,
    // At least one delivery started while the clock was due and unanswered (concurrent ones may all have).
    foundDue: runs.some((x) => x) ? 1 : 0,
    effects: replay.actions.filter((a) => a.kind === "forfeit").length,
    matchEndedFrames: ended,
  };
}

it("survives evictions with sockets kept and closed, and alarm runs delivered twice, with exactly one effect each", async () => {
  const keep = await evictionRun("keep", EVICTIONS, 1);
  const close = await evictionRun("close", EVICTIONS, 2);
  // Alarm runs: half one after the other, half at once; each timer delivered twice. Batches of 25 matches in parallel.
  const timers = Math.ceil(ALARMS / 2);
  const alarms = { timers: 0, runs: 0, foundDue: 0, effects: 0, timersWithOneEffect: 0, matchEndedFramesOk: 0 };
  for (let done = 0; done < timers; ) {
    const batch = Math.min(25, timers - done);
    const results = await Promise.all(Array.from({ length: batch }, (_, i) => alarmRun((done + i) % 2 === 0 ? "sequence" : "concurrent", 2)));
    for (const r of results) {
      alarms.timers++;
      alarms.runs += r.runs;
      alarms.foundDue += r.foundDue;
      alarms.effects += r.effects;
      if (r.effects === 1) alarms.timersWithOneEffect++;
      if (r.matchEndedFrames.every((n) => n === 1)) alarms.matchEndedFramesOk++;
    }
    done += batch;
  }
  console.log(`SOAK_FIGURES ${JSON.stringify({ keep, close, alarms })}`);
  expect(keep.evictions).toBe(EVICTIONS);
  expect(close.evictions).toBe(EVICTIONS);
  for (const f of [keep, close]) expect({ lost: f.lost, appliedTwice: f.appliedTwice, gaps: f.gaps, duplicates: f.duplicates, dup: f.dupAnswers }).toEqual({ lost: 0, appliedTwice: 0, gaps: 0, duplicates: 0, dup: f.evictions });
  expect(keep.socketsSurvived).toBe(2 * EVICTIONS);
  expect(close.resumedByReplay).toBe(2 * EVICTIONS);
  expect(alarms.timersWithOneEffect).toBe(alarms.timers);
  expect(alarms.matchEndedFramesOk).toBe(alarms.timers);
  expect(alarms.foundDue).toBe(alarms.timers);
});
