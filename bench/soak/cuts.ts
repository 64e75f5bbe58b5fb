/**
 * Soak phase 1: seeded connection cuts over Connect Four and the runner (where a doubled input would
 * be applied, not refused). Most cuts are upstream mid-frame on an input: the proxy forwards part of
 * the input's frame to the room and resets the link. Whether the room received a torn frame is read
 * from the room itself: the SDK re-sends the input on the new connection, and the room answers a
 * fresh ack (or a refusal) only when it never got the first copy whole; a `dup` answer means the
 * frame had arrived whole after all, and that cut is not counted as mid-frame at the room.
 */
import type { InputOutcome } from "../../src/client/internal";
import { Rng, mixSeed } from "../../src/games/rng";
import { C4Match, randomColumn, verifyMatch } from "../../test/support/fault-c4";
import { auditSeqs, FaultClient, now, percentile, type FaultStack, type SeqAudit } from "../../test/support/fault-harness";
import type { CutReport, ProxyConnection } from "../../test/support/fault-proxy";
import type { LinkSettings } from "../../test/support/fault-proxy-link";
import { auditInputs, raceBot, raceSeen, type InputAudit, type RaceSend } from "../../test/support/runner-bot";
import type { Ledger } from "./ledger";

const LINKS: ReadonlyArray<Partial<LinkSettings>> = [{}, { sliceBytes: 1 }, { delayMs: 10, jitterMs: 15 }, { throttleBytesPerSec: 16_384, sliceBytes: 64 }, { sliceBytes: 3, jitterMs: 2 }];

type CutKind = "mid-up@input" | "mid-down@input" | "mid-down" | "reset@input" | "reset" | "close@input" | "close";

/** 65 % upstream mid-frame on an input, 15 % downstream right after an input (its ack is lost: `dup` on the re-send), the rest mixed. */
function pickKind(rng: Rng): CutKind {
  const r = rng.int(20);
  if (r < 13) return "mid-up@input";
  if (r < 16) return "mid-down@input";
  if (r < 17) return "mid-down";
  if (r < 18) return "reset@input";
  if (r < 19) return "reset";
  return rng.int(2) === 0 ? "close@input" : "close";
}

interface CutRecord {
  game: "connect-four" | "runner";
  kind: CutKind;
  report: CutReport | null;
  /** For mid-up: the room's answer to the re-sent input was not `dup` (it never had the frame whole). */
  tornAtRoom: boolean | null;
  reconnectMs: number;
  welcome: string;
}

/** Arms the fault on `conn` around the victim's next input; `arm` is called with a function that registers hooks. */
async function cutAround(
  kind: CutKind,
  conn: ProxyConnection,
  onNextInput: (hooks: { before?: () => void; after?: () => void; settled?: (o: InputOutcome) => void }) => void,
): Promise<{ report: CutReport | null; outcome: Promise<InputOutcome> | null }> {
  if (kind === "mid-down") return { report: await conn.cutMidFrame("down"), outcome: null };
  if (kind === "reset" || kind === "close") {
    if (kind === "reset") conn.reset();
    else conn.close();
    return { report: null, outcome: null };
  }
  let armed: Promise<CutReport | null> = Promise.resolve(null);
  let settle: (o: InputOutcome) => void = () => {};
  const outcome = new Promise<InputOutcome>((r) => (settle = r));
  await new Promise<void>((sent) =>
    onNextInput({
      before: kind === "mid-up@input" ? () => void (armed = conn.cutMidFrame("up")) : undefined,
      after: () => {
        if (kind === "mid-down@input") armed = conn.cutMidFrame("down");
        else if (kind === "reset@input") conn.reset();
        else if (kind === "close@input") conn.close();
        sent();
      },
      settled: settle,
    }),
  );
  return { report: await armed, outcome };
}

async function cutOne(game: CutRecord["game"], victim: FaultClient, rng: Rng, onNextInput: Parameters<typeof cutAround>[2]): Promise<CutRecord | null> {
  const kind = pickKind(rng);
  await victim.whenStatus("open");
  const conn = victim.liveConnection();
  const reopened = victim.nextOpen();
  const at = now();
  const { report, outcome } = await cutAround(kind, conn, onNextInput);
  if (kind.startsWith("mid") && report === null) return null;
  const openedAt = await reopened;
  let tornAtRoom: boolean | null = null;
  if (kind === "mid-up@input" && outcome) {
    const o = await outcome;
    tornAtRoom = !(o.kind === "ack" && o.dup) && o.kind !== "closed";
  }
  return { game, kind, report, tornAtRoom, reconnectMs: openedAt - at, welcome: victim.welcomes.at(-1)?.plan.kind ?? "none" };
}

/** Faults applied by these clients' proxies so far (a cut abandoned when its race ended may still have struck). */
function faultsOf(clients: readonly FaultClient[]): number {
  return clients.reduce((n, c) => n + c.proxy.stats.faults.reset + c.proxy.stats.faults.close + c.proxy.stats.faults.cutMidFrame, 0);
}

/** Compare what a client rebuilt (welcome + updates) with the room's own snapshot, handed to a fresh spectator. */
async function compareWithRoom(stack: FaultStack, matchId: string, players: readonly FaultClient[], seed: number): Promise<string[]> {
  const g = await stack.api.guest("soak-observer");
  const observer = await FaultClient.open({ stack, label: `observer-${matchId}`, token: g.token, matchId, role: "spectator", seed });
  const w = await observer.next("welcome");
  observer.close();
  const status = (await (await stack.api.status(matchId)).json()) as { seq: number; stateHash: string | null };
  const problems: string[] = [];
  if (w.frame.stateHash !== status.stateHash) problems.push(`${matchId}: welcome stateHash ${w.frame.stateHash} vs status ${status.stateHash}`);
  const server = w.frame.room;
  for (const p of players) {
    const mine = p.room;
    const a = JSON.stringify({ seq: p.client.lastSeq, status: mine.status, round: mine.round, result: mine.result, view: mine.view });
    const b = JSON.stringify({ seq: w.frame.seq, status: server.status, round: server.round, result: server.result, view: server.view });
    if (a !== b) problems.push(`${p.label}: rebuilt ${a.slice(0, 300)} vs room ${b.slice(0, 300)}`);
  }
  return problems;
}

interface MatchResult {
  cuts: CutRecord[];
  /** Faults the players' proxies applied (RST, FIN, mid-frame cut), each of which must cost exactly one reconnection. */
  faultsApplied: number;
  noops: number;
  lost: number;
  /** Runner: admitted, then discarded with ROUND_ENDED (not applied; not a loss). */
  discarded: number;
  /** Runner: admitted, not discarded, not in the replay. */
  neverApplied: number;
  doubled: number;
  unacked: number;
  acked: number;
  dups: number;
  audits: SeqAudit[];
  duplicateUpdates: number;
  diverged: string[];
  problems: string[];
}

async function c4Match(stack: FaultStack, i: number, cuts: number, seed: number): Promise<MatchResult> {
  let chaosDone = false;
  const clients: FaultClient[] = [];
  const open = async (label: string, token: string, matchId: string, s: number) => {
    const c = await FaultClient.open({ stack, label, token, matchId, seed: mixSeed(seed, s) });
    clients.push(c);
    return c;
  };
  const m = await C4Match.create(stack, { label: `soak-c4-${i}`, seed: mixSeed(seed, 100 + i), wantAnotherRound: () => !chaosDone }, open);
  for (const p of m.players) p.proxy.setLink(LINKS[i % LINKS.length]!);
  const playing = m.play(randomColumn, mixSeed(seed, 200 + i));
  const rng = new Rng(mixSeed(seed, 300 + i));
  const log: CutRecord[] = [];
  let noops = 0;
  while (log.length < cuts) {
    await m.progress(rng.int(3));
    const victim = m.players[rng.int(2)]!;
    const rec = await cutOne("connect-four", victim, rng, (hooks) => void m.onNextMove(victim, hooks));
    if (rec) log.push(rec);
    else noops++;
  }
  process.stderr.write(`connect four match ${i}: ${log.length} cuts\n`);
  chaosDone = true;
  await playing;
  const check = await verifyMatch(stack, m);
  const diverged = await compareWithRoom(stack, m.matchId, m.players, mixSeed(seed, 900 + i));
  if (!check.finalStateMatches || check.roundHashMismatches > 0) diverged.push(...check.problems.filter((p) => /hash|board|final/.test(p)));
  for (const c of clients) c.close();
  return {
    cuts: log,
    faultsApplied: faultsOf(m.players),
    noops,
    lost: check.lost,
    discarded: 0,
    neverApplied: 0,
    doubled: check.duplicated,
    unacked: 0,
    acked: m.acked.length,
    dups: m.acked.filter((a) => a.dup).length,
    audits: m.players.map((p) => auditSeqs(p.seqLog)),
    duplicateUpdates: m.players.reduce((n, p) => n + p.client.stats.duplicateUpdates, 0),
    diverged,
    problems: [...check.problems, ...m.refused.map((r) => `refused: ${r}`)],
  };
}

/** Runner races (three players) cut until `cuts` cuts were made; a new race starts whenever one ends. */
async function runnerRaces(stack: FaultStack, i: number, cuts: number, seed: number): Promise<MatchResult> {
  const out: MatchResult = { cuts: [], faultsApplied: 0, noops: 0, lost: 0, discarded: 0, neverApplied: 0, doubled: 0, unacked: 0, acked: 0, dups: 0, audits: [], duplicateUpdates: 0, diverged: [], problems: [] };
  const rng = new Rng(mixSeed(seed, 500 + i));
  for (let race = 0; out.cuts.length < cuts; race++) {
    const guests = await Promise.all([0, 1, 2].map((k) => stack.api.guest(`soak-run-${i}-${race}-${k}`)));
    const matchId = await stack.api.createMatch(guests[0]!.token, { game: "runner", mode: "pvp", seats: 3, options: { durationSeconds: 40 } });
    const clients = await Promise.all(guests.map((g, k) => FaultClient.open({ stack, label: `run${i}.${race}/${k}`, token: g.token, matchId, seed: mixSeed(seed, 600 + i * 97 + race * 3 + k) })));
    clients.forEach((c, k) => c.proxy.setLink(LINKS[(i + k) % LINKS.length]!));
    const sends: RaceSend[][] = clients.map(() => []);
    const seen = clients.map(() => raceSeen());
    const nextInput = new Map<FaultClient, { before?: () => void; after?: () => void; settled?: (o: InputOutcome) => void }>();
    clients.forEach((c, k) =>
      raceBot(c, () => c.seat, seen[k]!, sends[k]!, {
        beforeSend: () => nextInput.get(c)?.before?.(),
        afterSend: (_tick, outcome) => {
          const h = nextInput.get(c);
          nextInput.delete(c);
          h?.after?.();
          if (h?.settled) void outcome.then(h.settled);
        },
      }),
    );
    const finished = Promise.all(clients.map((c) => c.untilRoom((r) => r.status === "finished")));
    let over = false;
    void finished.then(() => (over = true));
    await Promise.all(clients.map((c) => c.untilRoom((r) => r.status === "playing")));
    while (!over && out.cuts.length < cuts) {
      // Only a standing runner sends inputs; once fewer than two stand, the race is as good as over.
      const standing = clients.filter((_, k) => seen[k]!.standing);
      if (standing.length < 2) {
        await finished;
        break;
      }
      const victim = standing[rng.int(standing.length)]!;
      const k = clients.indexOf(victim);
      // Wait until the victim has sent 1–4 more inputs (or fell, or the race ended).
      const target = sends[k]!.length + 1 + rng.int(4);
      await Promise.race([
        finished,
        new Promise<void>((r) => {
          const off = victim.client.on("snap", () => {
            if (sends[k]!.length >= target || !seen[k]!.standing) {
              off();
              r();
            }
          });
        }),
      ]);
      if (over || !seen[k]!.standing || victim.client.state.status !== "open") continue;
      const rec = await Promise.race([cutOne("runner", victim, rng, (hooks) => void nextInput.set(victim, hooks)), finished.then(() => null)]);
      if (rec) out.cuts.push(rec);
      else if (!over) out.noops++;
    }
    process.stderr.write(`runner lane ${i}: race ${race + 1} done, ${out.cuts.length}/${cuts} cuts\n`);
    await finished;
    const outcomes = await Promise.all(sends.map((s) => Promise.all(s.map((x) => x.outcome))));
    const replay = (await (await stack.fetch(`${stack.base}/api/matches/${matchId}/replay`, { method: "GET", headers: {}, body: undefined as unknown as string })).json()) as {
      actions: Array<{ kind: string; seat?: number; inputId?: number | null }>;
    };
    clients.forEach((c, k) => {
      const applied = replay.actions.filter((a) => a.kind === "input" && a.seat === c.seat).map((a) => a.inputId);
      // The real-time contract: durable once a snap.dur covered it; ROUND_ENDED is the one way an admitted input ends unapplied.
      const a: InputAudit = auditInputs(outcomes[k]!, applied, seen[k]!);
      out.lost += a.lost;
      out.discarded += a.discarded;
      out.neverApplied += a.neverApplied;
      out.doubled += a.doubled;
      out.unacked += a.unacked;
      out.acked += a.acked;
      out.dups += a.dups;
      const bad = a.refusals.filter((r) => !/^(INPUT_TOO_LATE|INPUT_TOO_EARLY|INPUT_BUDGET|ROUND_ENDED|MATCH_OVER|KNOCKED_OUT)$/.test(r));
      if (bad.length) out.problems.push(`${c.label}: undocumented refusals ${bad.join(",")}`);
      out.audits.push(auditSeqs(c.seqLog));
      out.duplicateUpdates += c.client.stats.duplicateUpdates;
    });
    out.diverged.push(...(await compareWithRoom(stack, matchId, clients, mixSeed(seed, 950 + i * 31 + race))));
    out.faultsApplied += faultsOf(clients);
    for (const c of clients) c.close();
  }
  return out;
}

export async function cutsPhase(stack: FaultStack, ledger: Ledger, opts: { cuts: number; seed: number; minDups: number }): Promise<Record<string, unknown>> {
  const started = now();
  // Three quarters of the cuts on Connect Four (10 matches at full scale), a quarter on runner races (2 at a time).
  const runnerCuts = Math.max(1, Math.round(opts.cuts / 4));
  const c4Cuts = opts.cuts - runnerCuts;
  const c4Matches = Math.max(1, Math.min(10, Math.round(c4Cuts / 38)));
  const runnerLanes = runnerCuts >= 20 ? 2 : 1;
  const jobs: Array<Promise<MatchResult>> = [];
  for (let i = 0; i < c4Matches; i++) jobs.push(c4Match(stack, i, Math.floor(c4Cuts / c4Matches) + (i < c4Cuts % c4Matches ? 1 : 0), opts.seed));
  for (let i = 0; i < runnerLanes; i++) jobs.push(runnerRaces(stack, i, Math.floor(runnerCuts / runnerLanes) + (i < runnerCuts % runnerLanes ? 1 : 0), opts.seed));
  const results = await Promise.all(jobs);
  const cuts = results.flatMap((r) => r.cuts);
  const sum = (f: (r: MatchResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const audits = results.flatMap((r) => r.audits);
  const midUp = cuts.filter((c) => c.kind === "mid-up@input");
  const tornAtRoom = midUp.filter((c) => c.tornAtRoom === true).length;
  const byGame = (g: CutRecord["game"]) => cuts.filter((c) => c.game === g).length;
  const reconnect = cuts.map((c) => c.reconnectMs);
  const P = "cuts";
  ledger.eq(P, "cuts made", cuts.length, opts.cuts);
  ledger.atLeast(P, "  on Connect Four", byGame("connect-four"), 1);
  ledger.atLeast(P, "  on the runner", byGame("runner"), 1);
  ledger.atLeast(P, "cuts mid-frame as the room received them (torn input frame, re-send not dup)", tornAtRoom, Math.ceil(opts.cuts / 2));
  ledger.eq(P, "  upstream mid-frame cuts whose frame the room had whole after all (dup)", midUp.filter((c) => c.tornAtRoom === false).length, 0);
  ledger.eq(P, "acknowledged inputs lost (turn-based ack; real-time snap.dur)", sum((r) => r.lost), 0);
  ledger.eq(P, "  real-time inputs admitted, neither discarded (ROUND_ENDED) nor applied", sum((r) => r.neverApplied), 0);
  ledger.note(P, `real-time inputs admitted, then discarded with ROUND_ENDED (round over before their tick; not applied): ${sum((r) => r.discarded)}`);
  ledger.eq(P, "inputs applied twice (or applied without an ack)", sum((r) => r.doubled + r.unacked), 0);
  ledger.atLeast(P, "inputs acknowledged", sum((r) => r.acked), opts.cuts);
  ledger.atLeast(P, "duplicates answered dup", sum((r) => r.dups), opts.minDups);
  ledger.eq(P, "downstream seq gaps (per connection, all clients)", audits.reduce((n, a) => n + a.gaps, 0), 0);
  ledger.eq(P, "downstream seq duplicates applied", audits.reduce((n, a) => n + a.duplicates, 0), 0);
  ledger.eq(P, "duplicate updates sent by the room (dropped by the SDK before its seq filter)", sum((r) => r.duplicateUpdates), 0);
  ledger.atLeast(P, "updates audited", audits.reduce((n, a) => n + a.applied, 0), opts.cuts);
  // Every fault the proxies applied cost exactly one reconnection, resumed by replay, and nothing else
  // reconnected anybody. (A runner cut abandoned because its race ended can still have struck: it is not
  // in the cut log, but the proxy counted it.)
  ledger.eq(P, "resumes by replay (one per fault applied by the proxies)", audits.reduce((n, a) => n + a.replayed, 0), sum((r) => r.faultsApplied));
  ledger.atMost(P, "  cuts logged (≤ faults applied)", cuts.length, sum((r) => r.faultsApplied));
  ledger.eq(P, "clients whose rebuilt state differs from the room's", sum((r) => r.diverged.length), 0);
  ledger.holds(P, "no other problem (refusals, replay verification)", sum((r) => r.problems.length) === 0, results.flatMap((r) => [...r.problems, ...r.diverged]).join("; "));
  ledger.note(P, `reconnect cut → open p50 ${Math.round(percentile(reconnect, 50) ?? 0)} ms, p99 ${Math.round(percentile(reconnect, 99) ?? 0)} ms; ${Math.round((now() - started) / 1000)} s`);
  const byKind: Record<string, number> = {};
  for (const c of cuts) byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
  return {
    cuts: cuts.length,
    faultsApplied: sum((r) => r.faultsApplied),
    byGame: { connectFour: byGame("connect-four"), runner: byGame("runner") },
    byKind,
    midFrameAtRoom: tornAtRoom,
    acked: sum((r) => r.acked),
    dups: sum((r) => r.dups),
    lost: sum((r) => r.lost),
    neverApplied: sum((r) => r.neverApplied),
    discarded: sum((r) => r.discarded),
    doubled: sum((r) => r.doubled + r.unacked),
    updatesAudited: audits.reduce((n, a) => n + a.applied, 0),
    seqGaps: audits.reduce((n, a) => n + a.gaps, 0),
    seqDuplicates: audits.reduce((n, a) => n + a.duplicates, 0),
    duplicateUpdates: sum((r) => r.duplicateUpdates),
    diverged: sum((r) => r.diverged.length),
    reconnectMs: { p50: percentile(reconnect, 50), p99: percentile(reconnect, 99) },
    seconds: Math.round((now() - started) / 1000),
  };
}
