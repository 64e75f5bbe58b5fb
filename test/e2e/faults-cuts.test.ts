/**
 * Fault injection, part 1: hundreds of seeded connection cuts during play,
 * and server-to-client replay after each (docs/reliability.md, scenarios 1–2).
 *
 * Two SDK clients per Connect Four match play as fast as the turn order
 * allows, each through its own seeded FaultProxy, while a seeded "chaos"
 * loop per match cuts one player's connection at a time: half mid-frame
 * (downstream at a random moment, downstream right after a move was sent so
 * the update/ack is lost, upstream so the move frame itself is cut), the rest
 * RST or FIN, at a random moment or right after a move was sent. Every wait
 * is on an SDK or proxy event. Afterwards: no acknowledged input lost or
 * applied twice (replay document), every round rebuilt from the acknowledged
 * moves hashes like the server's re-simulation, and every client applied
 * every update seq exactly once, in order.
 *
 * Run alone: npx vitest run --project e2e test/e2e/faults  (seed: EDGEROOM_FAULT_SEED)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { InputOutcome } from "../../src/client/internal";
import { Rng, mixSeed } from "../../src/games/rng";
import { connectFour } from "../../src/games/connect-four";
import { verifyReplay } from "../../src/replay/verify";
import { appGames } from "../support/app-games";
import { C4Match, quickWin, randomColumn, verifyMatch, type MatchCheck } from "../support/fault-c4";
import { auditSeqs, faultSeed, ms, now, percentile, printTable, useFaultStack, SUITE_BACKOFF, type SeqAudit } from "../support/fault-harness";
import type { CutReport } from "../support/fault-proxy";
import type { LinkSettings } from "../support/fault-proxy-link";

const SEED = faultSeed();
const MATCHES = 5;
const CUTS_PER_MATCH = 40;

const suite = useFaultStack("faults-cuts", SEED);
const { open } = suite;

/**
 * Each match plays over its own kind of link (both directions), so the cuts also land on
 * re-chunked, delayed and reordered-in-time byte streams, not only on a perfect loopback.
 */
const LINKS: ReadonlyArray<{ name: string; link: Partial<LinkSettings> }> = [
  { name: "ideal", link: {} },
  { name: "1-byte slices", link: { sliceBytes: 1 } },
  { name: "delay 10 ms + jitter 0–15 ms", link: { delayMs: 10, jitterMs: 15 } },
  { name: "throttled 16 KB/s, 64-byte slices", link: { throttleBytesPerSec: 16_384, sliceBytes: 64 } },
  { name: "3-byte slices + jitter 0–2 ms", link: { sliceBytes: 3, jitterMs: 2 } },
];

type CutKind = "mid-down" | "mid-down@move" | "mid-up@move" | "reset" | "reset@move" | "close" | "close@move";

interface CutLog {
  n: number;
  match: number;
  victim: string;
  kind: CutKind;
  /** For mid-frame cuts: where the frame was cut. */
  cut: Pick<CutReport, "direction" | "frameOffset" | "frameLength"> | null;
  /** From the cut taking effect to the victim's next "open" (welcomed connection). */
  reconnectMs: number;
  /** The last attempt alone: from the SDK's "connecting" (backoff over) to "open" (ticket, upgrade, welcome). */
  attemptMs: number;
  /** Upstream cuts: the room answered the re-sent move as new (it never had the torn frame whole). */
  tornAtRoom: boolean | null;
  /** Socket attempts the victim needed to get back. */
  attempts: number;
  welcome: string;
}

/** Half mid-frame cuts (three placements), a third RST and a sixth FIN (each half at a random moment, half right after a move). */
function pickKind(rng: Rng): CutKind {
  const r = rng.int(12);
  if (r < 2) return "mid-down";
  if (r < 4) return "mid-down@move";
  if (r < 6) return "mid-up@move";
  if (r < 10) return r % 2 === 0 ? "reset" : "reset@move";
  return r === 10 ? "close" : "close@move";
}

/** One cut on one player of `m`; resolves once the victim is welcomed again (null if the fault found nothing to cut). */
async function cutOnce(m: C4Match, matchNo: number, n: number, rng: Rng): Promise<CutLog | null> {
  const victim = m.players[rng.int(2)]!;
  const kind = pickKind(rng);
  await victim.whenStatus("open");
  const conn = victim.liveConnection();
  const attemptsBefore = victim.attempts.length;
  const reopened = victim.nextOpen();
  let report: CutReport | null = null;
  let moveOutcome: Promise<InputOutcome> | null = null;
  let at: number;
  switch (kind) {
    case "mid-down":
      report = await conn.cutMidFrame("down");
      at = now();
      break;
    case "mid-down@move":
    case "mid-up@move": {
      let armed: Promise<CutReport | null> = Promise.resolve(null);
      const direction = kind === "mid-up@move" ? "up" : "down";
      // Upstream: armed before the move is sent, so its frame is the one cut. Downstream: right after, so the update or ack it produces is.
      // The room's own verdict on an upstream cut: the SDK re-sends the move on the new connection, and the
      // room answers it as new (not `dup`) only if the torn frame never reached it whole.
      let settled: (o: InputOutcome) => void = () => {};
      moveOutcome = new Promise<InputOutcome>((r) => (settled = r));
      await m.onNextMove(victim, direction === "up" ? { before: () => void (armed = conn.cutMidFrame("up")), settled } : { after: () => void (armed = conn.cutMidFrame("down")) });
      report = await armed;
      at = now();
      break;
    }
    case "reset":
    case "close":
      at = now();
      if (kind === "reset") conn.reset();
      else conn.close();
      break;
    case "reset@move":
    case "close@move":
      await m.onNextMove(victim, { after: () => (kind === "reset@move" ? conn.reset() : conn.close()) });
      at = now();
      break;
  }
  if (kind.startsWith("mid") && report === null) return null;
  const openedAt = await reopened;
  let tornAtRoom: boolean | null = null;
  if (kind === "mid-up@move" && moveOutcome) {
    const o: InputOutcome = await moveOutcome;
    tornAtRoom = !(o.kind === "ack" && o.dup);
  }
  const connectingAt = victim.states.filter((x) => x.state.status === "connecting" && x.t <= openedAt).at(-1)?.t ?? at;
  return {
    n,
    match: matchNo,
    victim: victim.label,
    kind,
    cut: report ? { direction: report.direction, frameOffset: report.frameOffset, frameLength: report.frameLength } : null,
    tornAtRoom,
    reconnectMs: openedAt - at,
    attemptMs: openedAt - connectingAt,
    attempts: victim.attempts.length - attemptsBefore,
    welcome: victim.welcomes.at(-1)?.plan.kind ?? "none",
  };
}

describe("fault injection: connection cuts during play", () => {
  it(`survives ${MATCHES * CUTS_PER_MATCH} seeded cuts with no acknowledged input lost or applied twice`, async () => {
    const started = now();
    const log: CutLog[] = [];
    let noops = 0;
    const runs = await Promise.all(
      Array.from({ length: MATCHES }, async (_, i) => {
        let chaosDone = false;
        const m = await C4Match.create(suite.stack, { label: `cut${i}`, seed: mixSeed(SEED, 100 + i), wantAnotherRound: () => !chaosDone }, open);
        for (const p of m.players) p.proxy.setLink(LINKS[i % LINKS.length]!.link);
        const playing = m.play(randomColumn, mixSeed(SEED, 200 + i));
        const rng = new Rng(mixSeed(SEED, 300 + i));
        for (let done = 0; done < CUTS_PER_MATCH; ) {
          await m.progress(rng.int(3));
          const entry = await cutOnce(m, i, log.length, rng);
          if (entry === null) {
            noops++;
            continue;
          }
          entry.n = log.length;
          log.push(entry);
          done++;
        }
        chaosDone = true;
        await playing;
        return { m, check: await verifyMatch(suite.stack, m) };
      }),
    );
    const elapsed = now() - started;

    const checks: MatchCheck[] = runs.map((r) => r.check);
    const players = runs.flatMap((r) => r.m.players);
    const audits: Array<[string, SeqAudit]> = players.map((p) => [p.label, auditSeqs(p.seqLog)]);
    const reconnect = log.map((c) => c.reconnectMs);
    const attemptTimes = log.map((c) => c.attemptMs);
    const byKind = new Map<string, number>();
    for (const c of log) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
    const acked = runs.reduce((n, r) => n + r.m.acked.length, 0);
    const dupAcks = runs.reduce((n, r) => n + r.m.acked.filter((a) => a.dup).length, 0);
    const lost = checks.reduce((n, c) => n + c.lost, 0);
    const duplicated = checks.reduce((n, c) => n + c.duplicated, 0);
    const midFrame = log.filter((c) => c.kind.startsWith("mid")).length;
    const upCuts = log.filter((c) => c.cut?.direction === "up").length;
    const tornAtRoom = log.filter((c) => c.tornAtRoom === true).length;
    const attempts = log.reduce((n, c) => n + c.attempts, 0);
    // The seq log sees only applied updates: the SDK drops a re-sent one silently, counting it here.
    const duplicateUpdates = players.reduce((n, p) => n + p.client.stats.duplicateUpdates, 0);

    const file = join(tmpdir(), "edgeroom-faults", `cuts-${SEED}.json`);
    mkdirSync(join(tmpdir(), "edgeroom-faults"), { recursive: true });
    writeFileSync(file, JSON.stringify({ seed: SEED, cuts: log, problems: checks.flatMap((c) => c.problems), audits }, null, 1));
    printTable(`faults-cuts: ${log.length} cuts over ${MATCHES} matches (seed ${SEED})`, [
      ["cuts (cycles) run", log.length],
      ["  links (one per match)", LINKS.slice(0, MATCHES).map((l) => l.name).join("; ")],
      ["  by kind", [...byKind].map(([k, v]) => `${k} ${v}`).join(", ")],
      ["  mid-frame / upstream", `${midFrame} / ${upCuts}`],
      ["  upstream cuts the room confirmed torn (re-sent move not dup)", tornAtRoom],
      ["  armed cuts that found nothing", noops],
      ["rounds played (rematches)", `${checks.reduce((n, c) => n + c.rounds, 0)} (${runs.reduce((n, r) => n + r.m.rematches, 0)})`],
      ["moves acknowledged", acked],
      ["  acknowledged as dup (applied before the cut)", dupAcks],
      ["acknowledged inputs lost", lost],
      ["inputs applied twice", duplicated],
      ["updates applied by clients", audits.reduce((n, [, a]) => n + a.applied, 0)],
      ["  seq gaps / duplicates", `${audits.reduce((n, [, a]) => n + a.gaps, 0)} / ${audits.reduce((n, [, a]) => n + a.duplicates, 0)}`],
      ["  duplicate updates the clients dropped (seq ≤ applied)", duplicateUpdates],
      ["resumes replayed / snapshot", `${audits.reduce((n, [, a]) => n + a.replayed, 0)} / ${audits.reduce((n, [, a]) => n + a.snapshots, 0)}`],
      ["socket attempts to get back (per cut)", `${attempts} (${(attempts / log.length).toFixed(2)})`],
      ["reconnect (cut → open) p50 / p95 / p99 / max", `${ms(percentile(reconnect, 50))} / ${ms(percentile(reconnect, 95))} / ${ms(percentile(reconnect, 99))} / ${ms(Math.max(...reconnect))}`],
      ["  of which the last attempt (connecting → open) p50 / p95 / p99", `${ms(percentile(attemptTimes, 50))} / ${ms(percentile(attemptTimes, 95))} / ${ms(percentile(attemptTimes, 99))}`],
      ["  SDK backoff used", `base ${SUITE_BACKOFF.baseMs} ms, cap ${SUITE_BACKOFF.capMs} ms, stable after ${SUITE_BACKOFF.stableAfterMs} ms, full jitter (seeded)`],
      ["wall time", ms(elapsed)],
      ["per-cut log", file],
    ]);

    for (const c of checks) expect(c.problems, c.problems.join("\n")).toEqual([]);
    expect(log).toHaveLength(MATCHES * CUTS_PER_MATCH);
    expect(midFrame).toBeGreaterThanOrEqual(log.length * 0.3);
    expect(upCuts).toBeGreaterThan(0);
    // Mid-frame as the room received it: every upstream cut tore the move's frame before the room had it whole.
    expect(tornAtRoom).toBe(upCuts);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(duplicateUpdates).toBe(0);
    // The printed counts the docs quote are promises too: moves acknowledged, ack lost and answered
    // `dup` on the re-send, rounds, updates applied, one socket attempt per cut, armed cuts that found nothing.
    expect(acked).toBeGreaterThanOrEqual(log.length);
    expect(dupAcks).toBeGreaterThanOrEqual(20);
    expect(checks.reduce((n, c) => n + c.rounds, 0)).toBeGreaterThanOrEqual(MATCHES);
    expect(audits.reduce((n, [, a]) => n + a.applied, 0)).toBeGreaterThanOrEqual(acked);
    expect(attempts).toBe(log.length);
    expect(noops).toBe(0);
    for (const c of checks) {
      expect(c.verification.ok).toBe(true);
      expect(c.roundHashMismatches).toBe(0);
      expect(c.finalStateMatches).toBe(true);
    }
    for (const r of runs) expect(r.m.refused).toEqual([]);
    for (const [label, a] of audits) {
      expect({ label, gaps: a.gaps, duplicates: a.duplicates, snapshots: a.snapshots, problems: a.problems }).toEqual({ label, gaps: 0, duplicates: 0, snapshots: 0, problems: [] });
    }
    // Every cut was followed by a welcome resumed by replay (the journal covers these short outages), and by
    // exactly one: no other reconnection happened.
    expect(log.filter((c) => c.welcome !== "replayed").map((c) => c.n)).toEqual([]);
    expect(audits.reduce((n, [, a]) => n + a.replayed, 0)).toBe(log.length);
    for (const p of players) {
      expect(p.client.stats.gaps).toBe(0);
      expect(p.client.stats.undecodableFrames).toBe(0);
      expect(p.client.pendingInputs).toBe(0);
    }
  }, 180_000);

  it("replays the journal after every cut, and resets a client that was away for more than 256 updates from a snapshot whose stateHash is the server's", async () => {
    let stopAfter = Infinity;
    // These players reconnect at once (a 50–200 ms backoff window) so that 300 updates take seconds, not half a minute.
    const quick = (label: string, token: string, matchId: string, seed: number) => open(label, token, matchId, seed, { backoff: { baseMs: 50, capMs: 200 } });
    const m = await C4Match.create(suite.stack, { label: "journal", seed: mixSeed(SEED, 400), wantAnotherRound: (round) => round < stopAfter }, quick);
    const [a] = m.players;
    const specGuest = await suite.stack.api.guest("journal-spectator");
    const spectator = await open("journal/spectator", specGuest.token, m.matchId, 401, { role: "spectator" });
    await spectator.whenStatus("open");

    // Take the spectator away and hold its reconnection (its next token request waits).
    const hold = spectator.hold();
    const lastSeq = spectator.client.lastSeq ?? 0;
    spectator.liveConnection().reset();
    await hold.reached;

    // Play quick rounds and drop a player's connection every eight moves (playerDisconnected + playerReconnected),
    // until the room is well past the journal's 256 updates beyond what the spectator has.
    const target = lastSeq + 300;
    const playing = m.play(quickWin, mixSeed(SEED, 402));
    const rng = new Rng(mixSeed(SEED, 403));
    let cuts = 0;
    while ((a.client.lastSeq ?? 0) < target) {
      await m.progress(8);
      const victim = m.players[cuts % 2]!;
      await victim.whenStatus("open");
      const back = victim.nextOpen();
      victim.liveConnection()[rng.int(2) === 0 ? "reset" : "close"]();
      await back;
      cuts++;
    }
    stopAfter = 0;
    await playing;
    const status = (await (await suite.stack.api.status(m.matchId)).json()) as { seq: number; stateHash: string; status: string };
    expect(status.status).toBe("finished");

    const welcome = spectator.next("welcome");
    hold.release();
    const w = await welcome;
    printTable("faults-cuts: beyond the journal", [
      ["spectator away from seq", lastSeq],
      ["room seq on its return", status.seq],
      ["updates missed", status.seq - lastSeq],
      ["player cuts meanwhile", cuts],
      ["resume status", w.frame.resume.status],
      ["welcome stateHash / server's", `${w.frame.stateHash} / ${status.stateHash}`],
    ]);
    expect(status.seq - lastSeq).toBeGreaterThan(256);
    expect(w.frame.resume).toEqual({ status: "snapshot", fromSeq: lastSeq });
    expect(w.plan.kind).toBe("snapshot");
    expect(w.frame.replay).toEqual([]);
    expect(w.frame.seq).toBe(status.seq);
    expect(w.frame.stateHash).toBe(status.stateHash);
    expect(spectator.client.room).toEqual(w.frame.room);
    // Independently of the server's own answers: re-simulate the action log, then the final state's hash
    // must be the welcome's, and its view must be exactly what the spectator's client rebuilt.
    const replay = await (await suite.stack.api.fetch(`${suite.stack.api.base}/api/matches/${m.matchId}/replay`)).json();
    const verified = verifyReplay(replay, appGames);
    const last = verified.rounds.at(-1);
    expect(verified.ok).toBe(true);
    expect(last?.stateHash).toBe(w.frame.stateHash);
    expect(spectator.client.room?.view).toEqual(connectFour.view(last?.state as Parameters<typeof connectFour.view>[0], null));

    const check = await verifyMatch(suite.stack, m);
    expect(check.problems, check.problems.join("\n")).toEqual([]);
    // The players resumed by replay after every cut; the spectator once from a snapshot; nobody saw a gap or a duplicate.
    for (const p of [...m.players, spectator]) {
      const audit = auditSeqs(p.seqLog);
      expect({ who: p.label, gaps: audit.gaps, duplicates: audit.duplicates, problems: audit.problems }).toEqual({ who: p.label, gaps: 0, duplicates: 0, problems: [] });
    }
    const [pa, pb] = m.players.map((p) => auditSeqs(p.seqLog));
    expect(pa!.snapshots + pb!.snapshots).toBe(0);
    expect(pa!.replayed + pb!.replayed).toBe(cuts);
    expect(auditSeqs(spectator.seqLog)).toMatchObject({ fresh: 1, replayed: 0, snapshots: 1, gaps: 0, duplicates: 0 });
    // Duplicates the server sent would be dropped by the SDK before the seq log sees them: none may exist.
    for (const p of [...m.players, spectator]) expect({ who: p.label, duplicateUpdates: p.client.stats.duplicateUpdates }).toEqual({ who: p.label, duplicateUpdates: 0 });
  }, 120_000);
});
