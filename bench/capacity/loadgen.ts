/**
 * One load-generator process (the parent forks 2–4 of them, pinned to the
 * load-generator core): it opens the rooms it is given on one system, plays
 * them with the shared bots (bench/bot.ts, bench/peers/bots.ts), and on
 * request reduces the samples of a measurement window to what the parent needs
 * (gaps, counts, ack latencies, bytes, ticks), then drops them, so a long ramp
 * keeps no history. Windows are marked by the parent's messages and timed with
 * this process's own clock. IPC messages are the `LoadgenRequest`/`LoadgenReply`
 * shapes of protocol.ts.
 */
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from "node:perf_hooks";
import { Client } from "colyseus.js";
import { COUNTDOWN_TICKS } from "../../src/games/runner";
import { Api } from "../../test/support/api";
import type { Bot } from "../bot";
import { ColyseusBot, PartyBot } from "../peers/bots";
import type { AnyBot } from "../peers/systems";
import { GuestPool, openRoom, pool, SEATS, sleep } from "../rooms";
import { reduceWindow, type LoadgenReply, type LoadgenRequest, type OpenSpec, type Target } from "./protocol";

interface LiveRoom {
  readonly key: string;
  readonly id: string;
  readonly bots: AnyBot[];
}

const rooms = new Map<string, LiveRoom>();
let target: Target | null = null;
let api: Api | null = null;
let guests: GuestPool | null = null;
let colyseus: Client | null = null;
let windowStart = 0;
let guestCount = 0;

function reply(msg: LoadgenReply): void {
  process.send?.(msg);
}

async function openOne(spec: OpenSpec, matchSeconds: number): Promise<LiveRoom> {
  if (!target) throw new Error("not initialised");
  switch (target.system) {
    case "edgeroom": {
      if (!api || !guests) throw new Error("not initialised");
      // Guests are never shared between rooms alive at once: a fresh set per room, reused after its close.
      const from = guestCount;
      guestCount += SEATS;
      const mine = (await guests.take(from + SEATS)).slice(from, from + SEATS);
      const room = await openRoom(api, mine, { durationSeconds: matchSeconds }, () => undefined);
      drive(room.bots);
      return { key: spec.key, id: room.matchId, bots: room.bots satisfies Bot[] };
    }
    case "colyseus": {
      if (!colyseus) throw new Error("not initialised");
      const first = await ColyseusBot.create(colyseus, { seed: spec.seed, durationSeconds: matchSeconds });
      const others = await Promise.all(Array.from({ length: SEATS - 1 }, () => ColyseusBot.join(colyseus as Client, first.roomId)));
      first.drive(others);
      return { key: spec.key, id: first.roomId, bots: [first, ...others] };
    }
    case "partyserver": {
      const ws = target.base.replace(/^http/, "ws");
      const name = `r-${spec.key}`;
      const url = `${ws}/parties/runner-server/${name}?seed=${spec.seed}&duration=${matchSeconds}`;
      const bots = await Promise.all(Array.from({ length: SEATS }, () => PartyBot.connect(url)));
      drive(bots);
      return { key: spec.key, id: name, bots };
    }
  }
}

/**
 * One bot per room decodes the states and decides for all four seats; the other three are passive (they
 * record arrival and size and send their seat's inputs): the same inputs reach the server, the load
 * generator decodes each room's stream once instead of four times.
 */
function drive<B extends { drive(followers: readonly B[]): void }>(bots: readonly B[]): void {
  const [first, ...rest] = bots;
  first?.drive(rest);
}

const racing = (b: AnyBot) => (b.snaps[b.snaps.length - 1]?.tick ?? 0) >= COUNTDOWN_TICKS || b.matchOver || b.closeCode !== null;

async function open(specs: readonly OpenSpec[], matchSeconds: number, timeoutMs: number): Promise<{ key: string; id: string }[]> {
  const opened = await pool(specs, 8, async (spec) => {
    const room = await openOne(spec, matchSeconds);
    rooms.set(room.key, room);
    return room;
  });
  const deadline = performance.now() + timeoutMs;
  // A room races when its driving bot (the only one that reads ticks) sees it race.
  const roomRacing = (r: LiveRoom) => r.bots.some(racing) && r.bots.every((b) => b.snaps.length > 0 || b.closeCode !== null);
  // Polling the bots' own sample arrays (no event to wait on across hundreds of sockets).
  while (!opened.every(roomRacing)) {
    if (performance.now() > deadline) throw new Error(`${opened.filter((r) => !roomRacing(r)).length} rooms not racing within ${timeoutMs} ms`);
    await sleep(50);
  }
  return opened.map((r) => ({ key: r.key, id: r.id }));
}

function closeRooms(keys: readonly string[]): void {
  for (const key of keys) {
    const room = rooms.get(key);
    if (!room) continue;
    for (const b of room.bots) b.close();
    rooms.delete(key);
    // Drop the sockets for good once the close handshake had time.
    setTimeout(() => room.bots.forEach((b) => b.open && b.terminate()), 3000).unref();
  }
}

/** Forget the samples before `before`, so memory stays flat over a long ramp. */
function trim(before: number): void {
  for (const room of rooms.values()) {
    for (const b of room.bots) {
      const drop = <T extends { at: number }>(a: T[]) => {
        const keep = a.findIndex((s) => s.at >= before);
        a.splice(0, keep < 0 ? a.length : keep);
      };
      drop(b.snaps as unknown as { at: number }[]);
      drop(b.otherFrames as unknown as { at: number }[]);
      // Inputs still waiting for their ack are kept (the ack may arrive later).
      const inputs = b.inputs as { sentAt: number; ackAt: number | null }[];
      const pending = inputs.filter((i) => i.sentAt >= before || i.ackAt === null);
      inputs.splice(0, inputs.length, ...pending.filter((i) => performance.now() - i.sentAt < 10_000));
      (b.appliedMarks as unknown[]).length = 0;
      (b.eventMarks as unknown[]).length = 0;
    }
  }
}

async function handle(msg: LoadgenRequest): Promise<LoadgenReply> {
  switch (msg.cmd) {
    case "init": {
      target = msg.target;
      if (target.system === "edgeroom") {
        api = new Api((url, init) => fetch(url, init), target.base);
        guests = new GuestPool(api);
      }
      if (target.system === "colyseus") colyseus = new Client(target.base);
      return { seq: msg.seq, ok: true };
    }
    case "open":
      return { seq: msg.seq, ok: true, opened: await open(msg.rooms, msg.matchSeconds, msg.timeoutMs) };
    case "close":
      closeRooms(msg.keys);
      if (rooms.size === 0) guestCount = 0;
      return { seq: msg.seq, ok: true };
    case "mark": {
      trim(performance.now() - 1000);
      // A full collection of this process's heap now, between windows, instead of inside the window: its
      // mark-compacts took 30–90 ms on the shared load-generator core (bench/results/loadgen-stalls-2026-12-07.md),
      // and every state of every room it drives that arrives during one is stamped late, a gap the server never made.
      collectGarbage?.();
      // States that queued during the collection are read (and stamped) before the window starts, not in it:
      // the first check phase ends the current loop turn, the second comes after the next poll has read them.
      for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
      eld?.disable();
      eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
      eld.enable();
      gc.ms = 0;
      gc.maxMs = 0;
      windowStart = performance.now();
      const c0 = process.cpuUsage();
      cpuMark = c0;
      cpuMarkAt = windowStart;
      return { seq: msg.seq, ok: true };
    }
    case "collect": {
      const t1 = performance.now();
      const cpu = process.cpuUsage(cpuMark);
      eld?.disable();
      const eldP99Ms = eld ? Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS) : 0;
      const eldMaxMs = eld ? Math.max(0, eld.max / 1e6 - ELD_RESOLUTION_MS) : 0;
      const stalls = { eldP99Ms, eldMaxMs, gcMaxMs: gc.maxMs, gcMs: gc.ms };
      // Acks of inputs sent at the very end of the window are still on their way.
      await sleep(msg.ackGraceMs);
      const window = reduceWindow([...rooms.values()], windowStart, t1);
      // Ended rooms are closed by the parent (it replaces them); nothing of theirs is kept here.
      trim(t1);
      return { seq: msg.seq, ok: true, window: { ...window, loadgenCpuMs: (cpu.user + cpu.system) / 1000, loadgenSeconds: (t1 - cpuMarkAt) / 1000, ...stalls } };
    }
    case "exit":
      closeRooms([...rooms.keys()]);
      setTimeout(() => process.exit(0), 500).unref();
      return { seq: msg.seq, ok: true };
  }
}

/** Event-loop delay over the window: a starved or saturated load generator stamps arrivals late. */
const ELD_RESOLUTION_MS = 2;
let eld: IntervalHistogram | null = null;
/** `gc` exposed by the fleet's `--expose-gc` (fleet.ts); absent when the process was started without it. */
const collectGarbage: (() => void) | undefined = typeof globalThis.gc === "function" ? globalThis.gc : undefined;
/** This process's collection pauses since the window's mark (observed entries arrive a little later; the collect waits for acks anyway). */
const gc = { ms: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    // Entries arrive after the pause: the collection `mark` forces (before the window) is not the window's.
    if (e.startTime < windowStart) continue;
    gc.ms += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
}).observe({ entryTypes: ["gc"] });
let cpuMark = process.cpuUsage();
let cpuMarkAt = performance.now();

process.on("message", (raw) => {
  const msg = raw as LoadgenRequest;
  handle(msg).then(reply, (err: unknown) => reply({ seq: msg.seq, ok: false, error: err instanceof Error ? err.message.slice(0, 500) : String(err) }));
});
process.on("disconnect", () => process.exit(0));
