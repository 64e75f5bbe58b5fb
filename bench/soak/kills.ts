/**
 * Soak phase 2: hard kills (SIGKILL of the miniflare process group, workerd included) of the local
 * runtime mid-match, restarted on the same persisted state. Two runner races run at a time; a kill
 * lands at a seeded tick, or right after a player handed an input to its socket (before its ack).
 * Before every kill a player sends an input stamped for a tick after the round's end (it must be
 * refused, never applied). Every fifth kill also holds the reconnection of both players of a
 * Connect Four match whose turn clock falls due while the runtime is down: nobody reconnects and
 * the restarted room's persisted alarm alone must end it by `timeout`.
 */
import type { InputOutcome } from "../../src/client/internal";
import { Rng, mixSeed } from "../../src/games/rng";
import { SNAPSHOT_HZ, TICK_HZ } from "../../src/games/runner";
import { FaultClient, now, type FaultStack } from "../../test/support/fault-harness";
import { auditInputs, raceBot, raceSeen, type RaceSeen, type RaceSend } from "../../test/support/runner-bot";
import type { Ledger } from "./ledger";

export const OPERATOR_TOKEN = "soak-operator-token-0123456789abcdef";
const RACE_SECONDS = 60;
/**
 * The room may have simulated up to two snapshot intervals its clients had not yet been sent when it
 * died (snapshots go out every TICK_HZ / SNAPSHOT_HZ ticks); a room that caught up the time it was
 * down would come back a whole downtime (60+ ticks) ahead.
 */
const SLACK_TICKS = (2 * TICK_HZ) / SNAPSHOT_HZ;

interface Race {
  matchId: string;
  clients: FaultClient[];
  seen: RaceSeen[];
  sends: RaceSend[][];
  pastEnd: Array<Promise<InputOutcome>>;
  afterSend: Array<(() => void) | null>;
  finished: Promise<void>;
  over: boolean;
}

async function startRace(stack: FaultStack, n: number, seed: number): Promise<Race> {
  const guests = await Promise.all([0, 1, 2].map((k) => stack.api.guest(`soak-kill-${n}-${k}`)));
  const matchId = await stack.api.createMatch(guests[0]!.token, { game: "runner", mode: "pvp", seats: 3, options: { durationSeconds: RACE_SECONDS } });
  const clients = await Promise.all(guests.map((g, k) => FaultClient.open({ stack, label: `kill${n}/${k}`, token: g.token, matchId, seed: mixSeed(seed, 7000 + n * 3 + k) })));
  const race: Race = { matchId, clients, seen: clients.map(raceSeen), sends: clients.map(() => []), pastEnd: [], afterSend: clients.map(() => null), finished: Promise.resolve(), over: false };
  clients.forEach((c, k) =>
    raceBot(c, () => c.seat, race.seen[k]!, race.sends[k]!, {
      afterSend: () => {
        const hook = race.afterSend[k];
        race.afterSend[k] = null;
        hook?.();
      },
    }),
  );
  race.finished = Promise.all(clients.map((c) => c.untilRoom((r) => r.status === "finished"))).then(() => void (race.over = true));
  await Promise.all(clients.map((c) => c.untilRoom((r) => r.status === "playing")));
  return race;
}

const maxTick = (r: Race) => Math.max(-1, ...r.seen.flatMap((s) => s.snaps.map((x) => x.tick)));

/** Resolves once every client of the race has seen a snapshot at or past `tick`, or the race is over. */
function untilTick(r: Race, tick: number): Promise<void> {
  return Promise.race([r.finished, Promise.all(r.clients.map((c) => c.next("snap", (s) => s.tick >= tick))).then(() => undefined)]);
}

/** Back and racing again after the kill at `killAt` (welcomed, then a snapshot past the welcome's tick), or over. */
function untilBack(r: Race, killAt: number): Promise<void> {
  return Promise.all(
    r.clients.map((c, i) =>
      Promise.race([
        r.finished,
        new Promise<void>((resolve) => {
          const check = () => {
            const w = r.seen[i]!.welcomes.find((x) => x.t > killAt);
            if (w && r.seen[i]!.snaps.some((x) => x.t > w.t && x.tick > w.tick)) {
              off();
              resolve();
            }
          };
          const off = c.client.on("snap", check);
        }),
      ]),
    ),
  ).then(() => undefined);
}

export async function killsPhase(stack: FaultStack, ledger: Ledger, opts: { kills: number; seed: number }): Promise<Record<string, unknown>> {
  const started = now();
  const rng = new Rng(mixSeed(opts.seed, 0x4b11));
  const all: Race[] = [];
  let active: Race[] = [];
  let raceNo = 0;
  const problems: string[] = [];
  let afterInputKills = 0;
  let clockKills = 0;
  let clockTimeouts = 0;
  let clockAlarmRuns = 0;
  let backByThemselves = 0;
  let expectedBack = 0;
  const downMs: number[] = [];
  for (let k = 0; k < opts.kills; k++) {
    active = active.filter((r) => !r.over);
    while (active.length < 2) {
      const r = await startRace(stack, raceNo++, opts.seed);
      all.push(r);
      active.push(r);
    }
    // Let each race run a seeded 0.5–2.5 s further.
    await Promise.all(active.map((r) => untilTick(r, maxTick(r) + 30 + rng.int(120))));
    active = active.filter((r) => !r.over);
    if (active.length === 0) {
      k--;
      continue;
    }
    // An input stamped for a tick after the round's end, in flight as the runtime dies.
    const first = active[0]!;
    first.pastEnd.push(first.clients[0]!.send({ tick: RACE_SECONDS * TICK_HZ + 30 + rng.int(600) }));
    // Every fifth kill: a Connect Four match whose 3 s turn clock falls due while nobody can reconnect.
    let clock: { matchId: string; players: FaultClient[]; holds: Array<{ release: () => void }>; deadline: number } | null = null;
    if (k % 5 === 2) {
      const a = await stack.api.guest(`soak-clock-${k}-a`);
      const b = await stack.api.guest(`soak-clock-${k}-b`);
      const matchId = await stack.api.createMatch(a.token, { game: "connect-four", mode: "pvp", turnMs: 3000, graceMs: 600_000 });
      const pa = await FaultClient.open({ stack, label: `clock${k}/a`, token: a.token, matchId, seed: mixSeed(opts.seed, 8000 + k) });
      await pa.whenStatus("open");
      const pb = await FaultClient.open({ stack, label: `clock${k}/b`, token: b.token, matchId, seed: mixSeed(opts.seed, 8500 + k) });
      const room = await pb.untilRoom((r) => r.status === "playing");
      clock = { matchId, players: [pa, pb], holds: [pa.hold(), pb.hold()], deadline: room.turnDeadline ?? Date.now() + 3000 };
    }
    let maxBefore = active.map(maxTick);
    let killAt: number;
    if (k % 2 === 1) {
      // Right after a player handed an input to its socket, before the room could ack it.
      const victim = rng.int(3);
      const race = active[0]!;
      let fired = false;
      const killed = new Promise<void>((r) => (race.afterSend[victim] = () => void ((fired = true), (maxBefore = active.map(maxTick)), stack.kill().then(r))));
      // (If the race ends first, kill plainly; the pending hook must then never fire on a later server.)
      await Promise.race([killed, race.finished]);
      race.afterSend[victim] = null;
      if (fired) afterInputKills++;
      else {
        maxBefore = active.map(maxTick);
        await stack.kill();
      }
    } else {
      maxBefore = active.map(maxTick);
      await stack.kill();
    }
    killAt = now();
    const { readyAt } = await stack.restartAfter("already-dead");
    downMs.push(readyAt - killAt);
    await Promise.all(active.map((r) => untilBack(r, killAt)));
    // Per race: back by itself at a tick reached before the kill, held there until everyone was back.
    active.forEach((r, ri) => {
      if (r.over && r.seen.some((s) => !s.welcomes.some((w) => w.t > killAt))) return; // ended before the kill took
      const views = r.seen.map((s) => ({ welcome: s.welcomes.find((w) => w.t > killAt), resuming: s.resuming.find((x) => x.t > killAt) }));
      for (const [i, v] of views.entries()) {
        expectedBack++;
        if (!v.welcome) {
          problems.push(`kill ${k}: ${r.clients[i]!.label} not back`);
          continue;
        }
        backByThemselves++;
        if (v.welcome.tick > maxBefore[ri]! + SLACK_TICKS) problems.push(`kill ${k}: ${r.clients[i]!.label} welcomed at tick ${v.welcome.tick} > ${maxBefore[ri]} seen before the kill + ${SLACK_TICKS}`);
        if (!v.resuming) {
          if (!r.over) problems.push(`kill ${k}: ${r.clients[i]!.label} saw no raceResuming`);
          continue;
        }
        if (v.resuming.tick !== v.welcome.tick) problems.push(`kill ${k}: resumed at ${v.resuming.tick}, welcomed at ${v.welcome.tick}`);
        const moved = r.seen[i]!.snaps.filter((s) => s.t > v.welcome!.t && s.t < v.resuming!.t && s.tick !== v.welcome!.tick);
        if (moved.length) problems.push(`kill ${k}: ${r.clients[i]!.label} saw ${moved.length} ticks simulated before everyone was back`);
      }
    });
    if (clock) {
      clockKills++;
      // Nobody touches the room until the clock is well past due (a wait for the deadline, not a synchronisation).
      const wait = Math.max(0, clock.deadline + 2000 - Date.now());
      await new Promise((r) => setTimeout(r, wait));
      const metrics = (await (await globalThis.fetch(`${stack.base}/api/matches/${clock.matchId}/metrics`, { headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } })).json()) as { counters: Record<string, number> };
      const status = (await (await stack.api.status(clock.matchId)).json()) as { status: string; result: { reason?: string } | null };
      if (status.status === "finished" && status.result?.reason === "timeout") clockTimeouts++;
      else problems.push(`kill ${k}: clock match ${status.status} ${JSON.stringify(status.result)}`);
      if ((metrics.counters["alarmRuns"] ?? 0) >= 1) clockAlarmRuns++;
      if (clock.players.some((p) => p.tokenCalls > 2 || p.attempts.length !== 1)) problems.push(`kill ${k}: a held clock player reconnected (${clock.players.map((p) => `${p.tokenCalls}/${p.attempts.length}`).join(", ")})`);
      for (const h of clock.holds) h.release();
      await Promise.all(clock.players.map((p) => p.untilRoom((r) => r.status === "finished")));
      for (const p of clock.players) p.close();
    }
    process.stderr.write(`kill ${k + 1}/${opts.kills}: down ${Math.round(readyAt - killAt)} ms\n`);
  }
  await Promise.all(all.map((r) => r.finished));
  let lost = 0;
  let neverApplied = 0;
  let discarded = 0;
  let doubled = 0;
  let acked = 0;
  let dups = 0;
  let forfeits = 0;
  let pastEndApplied = 0;
  let pastEndSent = 0;
  for (const r of all) {
    const outcomes = await Promise.all(r.sends.map((s) => Promise.all(s.map((x) => x.outcome))));
    const pastEnd = await Promise.all(r.pastEnd);
    const replay = (await (await stack.fetch(`${stack.base}/api/matches/${r.matchId}/replay`, { method: "GET", headers: {}, body: undefined as unknown as string })).json()) as {
      actions: Array<{ kind: string; seat?: number; inputId?: number | null }>;
    };
    forfeits += replay.actions.filter((a) => a.kind === "forfeit").length;
    r.clients.forEach((c, i) => {
      const applied = replay.actions.filter((a) => a.kind === "input" && a.seat === c.seat).map((a) => a.inputId);
      const mine = i === 0 ? pastEnd : [];
      // The real-time contract: durable once a snap.dur covered it; ROUND_ENDED is the one way an admitted input ends unapplied.
      const a = auditInputs([...outcomes[i]!, ...mine], applied, r.seen[i]!);
      lost += a.lost;
      neverApplied += a.neverApplied;
      discarded += a.discarded;
      doubled += a.doubled + a.unacked;
      acked += a.acked;
      dups += a.dups;
      for (const o of mine) {
        pastEndSent++;
        // Admitted (its stamp inside the ahead window) it must be discarded with ROUND_ENDED; never applied either way.
        if (applied.includes(o.id) || (o.kind === "ack" && !r.seen[i]!.discarded.has(o.id))) pastEndApplied++;
      }
    });
    for (const c of r.clients) c.close();
  }
  const P = "kills";
  ledger.eq(P, "hard kills of the runtime mid-match", downMs.length, opts.kills);
  ledger.atLeast(P, "  right after an input was sent, before its ack", afterInputKills, Math.floor(opts.kills / 2));
  ledger.eq(P, "clients back by themselves after a kill (of those in a running race)", backByThemselves, expectedBack);
  ledger.eq(P, "inputs confirmed durable (snap.dur) lost", lost, 0);
  ledger.eq(P, "  inputs admitted, neither discarded (ROUND_ENDED) nor applied", neverApplied, 0);
  ledger.note(P, `inputs admitted, then discarded with ROUND_ENDED (round over before their tick; not applied): ${discarded}`);
  ledger.eq(P, "inputs applied twice (or applied without an ack)", doubled, 0);
  ledger.atLeast(P, "inputs acknowledged across the kills", acked, opts.kills);
  ledger.eq(P, "inputs stamped after the round's end that were applied (or admitted and not discarded)", pastEndApplied, 0);
  ledger.eq(P, "  such inputs sent (one before each kill)", pastEndSent, opts.kills);
  ledger.eq(P, "runners forfeited (not back inside the grace window)", forfeits, 0);
  ledger.eq(P, "turn clocks due while nobody reconnected, ended by timeout", clockTimeouts, clockKills);
  ledger.eq(P, "  of which the restarted room's alarm ran", clockAlarmRuns, clockKills);
  ledger.holds(P, "no tick simulated while a player could not send; no other problem", problems.length === 0, problems.join("; "));
  const sorted = [...downMs].sort((x, y) => x - y);
  ledger.note(P, `runtime down → ready: median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms, max ${Math.round(sorted.at(-1) ?? 0)} ms; ${all.length} races; dup acks ${dups}; ${Math.round((now() - started) / 1000)} s`);
  return { kills: downMs.length, afterInputKills, clockKills, clockTimeouts, races: all.length, acked, dups, lost, neverApplied, discarded, doubled, pastEndSent, pastEndApplied, forfeits, problems: problems.length, seconds: Math.round((now() - started) / 1000) };
}
