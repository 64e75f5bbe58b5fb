/**
 * Fault injection, part 2: the server process dies (docs/reliability.md,
 * scenarios 3 and 5).
 *
 * The worker (workerd under miniflare) is killed with SIGKILL mid-match (right after an
 * acknowledgement, and with a move in flight) and restarted on the same
 * persisted state on another port; every client reaches it through its own
 * FaultProxy, whose port stays while its target moves, and mints tickets from
 * whichever server is current. Then terminal close codes, which must never be
 * retried (not even through a restart), and a restart with 36 clients
 * connected, whose reconnects must spread out and all succeed.
 *
 * Run alone: npx vitest run --project e2e test/e2e/faults-restart  (seed: EDGEROOM_FAULT_SEED)
 */
import { describe, expect, it } from "vitest";
import { mixSeed } from "../../src/games/rng";
import { CloseCode } from "../../src/protocol";
import { C4Match, randomColumn, verifyMatch } from "../support/fault-c4";
import { FaultClient, auditSeqs, faultSeed, ms, now, peakPerWindow, percentile, printTable, useFaultStack, within } from "../support/fault-harness";

const SEED = faultSeed();

const suite = useFaultStack("faults-restart", SEED);
const { open } = suite;

interface StatusJson {
  status: string;
  turn: number | null;
  seq: number;
  stateHash: string;
  turnDeadline: number | null;
  result: { winner: number | null; reason: string } | null;
}

async function status(matchId: string): Promise<StatusJson> {
  return (await (await suite.stack.api.status(matchId)).json()) as StatusJson;
}

describe("fault injection: the server killed and restarted", () => {
  it("keeps acknowledged inputs and running timers through hard kills; clients come back by themselves", async () => {
    let kills = 0;
    const m = await C4Match.create(suite.stack, { label: "kill", seed: mixSeed(SEED, 10), wantAnotherRound: () => kills < 2 }, open);
    const [a, b] = m.players;
    const firstMover = a.room.turn === a.seat ? a : b;
    const movesAcked = () => [a, b].reduce((n, p) => n + p.acks.filter((x) => x.command.t === "input").length, 0);
    const playing = m.play(randomColumn, mixSeed(SEED, 11));

    // A second match with a 5 s turn clock that nobody will ever use: only the restarted server can end it.
    const clock = await C4Match.create(suite.stack, { label: "clock", seed: mixSeed(SEED, 12), settings: { turnMs: 5000 }, wantAnotherRound: () => false }, open);
    const everyone = [...m.players, ...clock.players];
    const clockBefore = await status(clock.matchId);
    expect(clockBefore).toMatchObject({ status: "playing", turn: expect.any(Number), turnDeadline: expect.any(Number) });

    // Kill 1: SIGKILL from inside the SDK's ack handler, i.e. right after an acknowledgement arrived.
    await m.progress(2);
    const back1 = everyone.map((p) => p.nextOpen());
    const killed = new Promise<{ id: number; seq: number | null; acked: number }>((resolve) => {
      const off = firstMover.client.on("ack", (ack) => {
        off();
        void suite.stack.kill();
        resolve({ id: ack.id, seq: ack.seq, acked: movesAcked() });
      });
    });
    const kill1 = await killed;
    kills++;
    const downAt1 = now();
    const restart1 = await suite.stack.restartAfter("already-dead");
    const reopened1 = await Promise.all(back1);

    // The restarted server's welcome already holds every move acknowledged before the kill; clients resumed by replay.
    for (const p of m.players) {
      const w = p.welcomes.at(-1)!;
      expect(w.frame.resume.status, p.label).toBe("replayed");
      expect((w.frame.room.view as { moves: number }).moves).toBeGreaterThanOrEqual(kill1.acked);
      expect(w.frame.seq).toBeGreaterThanOrEqual(kill1.seq ?? 0);
    }
    for (const p of clock.players) expect(p.welcomes.at(-1)?.frame.resume.status, p.label).toBe("replayed");

    // The clock match ends by timeout, run by the restarted server, in favour of the seat that was not to move.
    const clockEnd = await clock.players[0].untilRoom((r) => r.status === "finished");
    expect(clockEnd.result).toMatchObject({ reason: "timeout", winner: 1 - (clockBefore.turn ?? 0) });
    const clockReplay = (await (await suite.stack.api.fetch(`${suite.stack.api.base}/api/matches/${clock.matchId}/replay`)).json()) as { actions: Array<{ kind: string; reason?: string }> };
    expect(clockReplay.actions.filter((x) => x.kind === "forfeit")).toMatchObject([{ reason: "timeout", seat: clockBefore.turn }]);
    expect(clockReplay.actions.filter((x) => x.kind === "input")).toEqual([]);

    // Kill 2: SIGKILL right after a player handed a move to its socket, before any answer could come back.
    const back2 = m.players.map((p) => p.nextOpen());
    await m.onNextMove(firstMover === a ? b : a, { after: () => void suite.stack.kill() });
    kills++;
    const downAt2 = now();
    const restart2 = await suite.stack.restartAfter("already-dead");
    const reopened2 = await Promise.all(back2);

    await playing;
    const check = await verifyMatch(suite.stack, m);
    const audits = everyone.map((p) => auditSeqs(p.seqLog));
    const deadlineAfterReady = (clockBefore.turnDeadline ?? 0) - restart1.readyWall;
    printTable("faults-restart: hard kills (SIGKILL) of the server", [
      ["kills", kills],
      [`kill 1 (right after ack ${kill1.id}): down → ready`, ms(restart1.readyAt - downAt1)],
      ["  4 clients back, after ready (max)", ms(Math.max(...reopened1) - restart1.readyAt)],
      ["kill 2 (move in flight): down → ready", ms(restart2.readyAt - downAt2)],
      ["  2 clients back, after ready (max)", ms(Math.max(...reopened2) - restart2.readyAt)],
      ["clock match: turn deadline relative to ready", `${ms(deadlineAfterReady)} (${deadlineAfterReady >= 0 ? "expired after the restart" : "expired while down"})`],
      ["clock match result", JSON.stringify(clockEnd.result)],
      ["moves acknowledged / dup acks", `${m.acked.length} / ${m.acked.filter((x) => x.dup).length}`],
      ["lost / applied twice", `${check.lost} / ${check.duplicated}`],
      ["seq gaps / duplicates", `${audits.reduce((n, x) => n + x.gaps, 0)} / ${audits.reduce((n, x) => n + x.duplicates, 0)}`],
    ]);
    expect(check.problems, check.problems.join("\n")).toEqual([]);
    expect(check.lost).toBe(0);
    expect(check.duplicated).toBe(0);
    expect(check.finalStateMatches).toBe(true);
    expect(m.refused).toEqual([]);
    for (const x of audits) expect(x.problems).toEqual([]);
    for (const p of everyone) {
      expect(p.client.stats.gaps).toBe(0);
      expect(p.client.pendingInputs).toBe(0);
    }
  }, 120_000);

  // Filled by the terminal-codes test, checked again after the crowd restart.
  const terminal: { clients: FaultClient[]; counts: Array<{ who: string; proxied: number; sdk: number; tokens: number }> } = { clients: [], counts: [] };
  const countsOf = (cs: FaultClient[]) => cs.map((c) => ({ who: c.label, proxied: c.proxy.stats.accepted, sdk: c.client.stats.connections, tokens: c.tokenCalls }));
  let survivorsFromTerminalTest: FaultClient[] = [];

  it("ends a client on a terminal close code with no retry (4003, 4002, 4010 twice, 4007, 4006, ticket 404), and answers a single 4010 with one fresh rejoin", async () => {
    // Each client has its own proxy, so its socket attempts are counted exactly.
    const api = suite.stack.api;
    const [ownerG, guestG, thirdG, oldVersionG, aheadG, otherG] = await Promise.all(["own", "gst", "third", "v2", "ahead", "other"].map((n) => api.guest(`term-${n}`)));
    const matchId = await api.createMatch(ownerG!.token, { game: "connect-four", turnMs: 0, graceMs: 600_000 });
    const owner = await open("term/owner", ownerG!.token, matchId, 20);
    await owner.whenStatus("open");
    const guest = await open("term/guest", guestG!.token, matchId, 21);
    await guest.untilRoom((r) => r.status === "playing");
    await owner.untilRoom((r) => r.status === "playing");

    const third = await open("term/third-player", thirdG!.token, matchId, 22);
    const oldVersion = await open("term/v2", oldVersionG!.token, matchId, 23, { role: "spectator", editUrl: (u) => u.searchParams.set("v", "2") });
    // lastSeq far ahead of the room on every attempt: the SDK's one fresh retry after 4010 gets 4010 again, which is terminal.
    const ahead = await open("term/resume-ahead", aheadG!.token, matchId, 24, { role: "spectator", editUrl: (u) => u.searchParams.set("lastSeq", "1000000") });
    const noSpecMatch = await api.createMatch(ownerG!.token, { game: "connect-four", spectators: false });
    const noSpec = await open("term/no-spectators", otherG!.token, noSpecMatch, 25, { role: "spectator" });
    const forged = await open("term/forged-match", otherG!.token, "A".repeat(32), 26);
    // The same player connecting again (same token, same role): the older connection is replaced with 4006.
    const replacing = await open("term/owner-again", ownerG!.token, matchId, 27);
    const clients = [third, oldVersion, ahead, noSpec, forged, owner];
    terminal.clients = clients;
    survivorsFromTerminalTest = [guest, replacing];

    const story = (c: FaultClient) => `${c.label}: ${c.states.map(({ state: s }) => s.status + (s.status === "reconnecting" && s.lastClose ? `(${s.lastClose.code} ${s.lastClose.reason})` : s.status === "closed" && s.lastClose ? `(${s.lastClose.code})` : "")).join(" → ")}`;
    const closed = await within(Promise.all(clients.map((c) => c.whenStatus("closed"))), 20_000, () => `every terminal close reaching the SDK\n${clients.map(story).join("\n")}`);
    await replacing.whenStatus("open");
    expect(closed.map((s) => (s.status === "closed" ? s.reason : null))).toEqual([
      { kind: "server", code: CloseCode.ROOM_FULL, reason: expect.any(String) },
      { kind: "server", code: CloseCode.UNSUPPORTED_VERSION, reason: expect.any(String) },
      { kind: "server", code: CloseCode.RESUME_REJECTED, reason: expect.any(String) },
      { kind: "server", code: CloseCode.SPECTATORS_NOT_ALLOWED, reason: expect.any(String) },
      { kind: "ticket-refused", status: 404, message: expect.any(String) },
      { kind: "server", code: CloseCode.SESSION_REPLACED, reason: expect.any(String) },
    ]);
    terminal.counts = countsOf(clients);
    // Exactly one socket attempt each (two for the 4010 pair: resume refused, then the fresh rejoin refused too;
    // none for the forged match id, refused at the ticket), and one token per attempt.
    expect(terminal.counts.map((c) => c.proxied)).toEqual([1, 1, 2, 1, 0, 1]);
    expect(terminal.counts.map((c) => c.sdk)).toEqual([1, 1, 2, 1, 0, 1]);
    expect(terminal.counts.map((c) => c.tokens)).toEqual([1, 1, 2, 1, 1, 1]);

    // A single 4010 is not the end: the SDK drops the refused resume data and rejoins fresh, once, at once.
    const rejoined = guest.nextOpen();
    guest.setUrlEditor((u) => {
      if (u.searchParams.has("session")) u.searchParams.set("session", "forged0session0value");
    });
    const before = guest.proxy.stats.accepted;
    guest.liveConnection().reset();
    await within(rejoined, 20_000, () => `fresh rejoin after 4010\n${story(guest)}`);
    guest.setUrlEditor(undefined);
    // Two socket attempts: the resume with the forged session (4010), then the fresh rejoin.
    expect(guest.proxy.stats.accepted - before).toBe(2);
    const lastCloses = guest.states.flatMap(({ state: s }) => (s.status === "reconnecting" && s.lastClose ? [s.lastClose.code] : []));
    expect(lastCloses.slice(-2)).toEqual([1006, CloseCode.RESUME_REJECTED]);
    expect(guest.welcomes.at(-1)?.plan.kind).toBe("fresh");
    expect(guest.welcomes.at(-1)?.frame.you.seat).toBe(1);
  }, 60_000);

  it("spreads the reconnects of 36 clients (12 matches, players and spectators) over a server restart, and every client comes back", async () => {
    const api = suite.stack.api;
    const crowd: FaultClient[] = [];
    const matches = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const m = await C4Match.create(suite.stack, { label: `crowd${i}`, seed: mixSeed(SEED, 40 + i), wantAnotherRound: () => false }, open);
        const sg = await api.guest(`crowd${i}-spec`);
        const spec = await open(`crowd${i}/spectator`, sg.token, m.matchId, 60 + i, { role: "spectator" });
        await spec.whenStatus("open");
        // One move each, so every room has a game in progress to come back to.
        const first = m.players.find((p) => p.room.turn === p.seat)!;
        expect(await first.send({ type: "dropDisc", column: i % 7 })).toMatchObject({ ok: true, kind: "ack" });
        await Promise.all([...m.players, spec].map((p) => p.untilRoom((r) => (r.view as { moves: number }).moves === 1)));
        crowd.push(...m.players, spec);
        return m;
      }),
    );
    const survivors = [...crowd, ...survivorsFromTerminalTest.filter((c) => c.client.state.status === "open")];
    const back = survivors.map((c) => c.nextOpen());
    const attemptsBefore = survivors.map((c) => c.attempts.length);
    const ticketsBefore = suite.stack.ticketRequests.length;

    const downAt = now();
    const { readyAt } = await suite.stack.restartAfter("stop");
    const reopened = await Promise.all(back);

    const attempts = survivors.flatMap((c, i) => c.attempts.slice(attemptsBefore[i]));
    const tickets = suite.stack.ticketRequests.slice(ticketsBefore);
    const whileDown = tickets.filter((t) => t < readyAt).length;
    const rejoin = reopened.map((t) => t - readyAt);
    printTable(`faults-restart: graceful restart (SIGTERM) with ${survivors.length} clients connected (${crowd.length} in 12 matches)`, [
      ["down → ready", ms(readyAt - downAt)],
      ["clients back", `${reopened.length} / ${survivors.length}`],
      ["back after ready p50 / p95 / max", `${ms(percentile(rejoin, 50))} / ${ms(percentile(rejoin, 95))} / ${ms(Math.max(...rejoin))}`],
      ["socket attempts through the proxies", `${attempts.length} (${(attempts.length / survivors.length).toFixed(2)} per client)`],
      ["peak socket attempts in any 1 s", peakPerWindow(attempts)],
      ["ticket requests while down / after ready", `${whileDown} / ${tickets.length - whileDown}`],
      ["peak ticket requests in any 1 s", peakPerWindow(tickets)],
    ]);

    // The printed peaks, bounded by the suite's backoff (SUITE_BACKOFF: base 250 ms, cap 2 s, full jitter).
    // Sockets: none while the server is down (every ticket request fails first), then one per client.
    expect(attempts).toHaveLength(survivors.length);
    expect(peakPerWindow(attempts)).toBeLessThanOrEqual(survivors.length);
    // Tickets while down: one client's retry windows are 250, 500, 1000, then 2000 ms; the first two fit in a
    // second, the 1 s window at most once, and 2 s windows (mean delay 1 s) about twice in any second: at most
    // about 5 per client per second on average, so 5 per client bounds the crowd's peak.
    expect(peakPerWindow(tickets)).toBeLessThanOrEqual(5 * survivors.length);
    // Every client is back and resumed by replay (players and spectators), and every room still plays.
    for (const c of survivors) expect(c.client.state.status, c.label).toBe("open");
    expect(crowd.map((c) => `${c.label} ${c.welcomes.at(-1)?.frame.resume.status}`)).toEqual(crowd.map((c) => `${c.label} replayed`));
    for (const m of matches) {
      const second = m.players.find((p) => p.room.turn === p.seat)!;
      expect(await second.send({ type: "dropDisc", column: 6 }), second.label).toMatchObject({ ok: true, kind: "ack", dup: false });
    }
    for (const c of crowd) expect(auditSeqs(c.seqLog).problems, c.label).toEqual([]);
  }, 90_000);

  it("made no attempt with any terminally closed client through that restart", () => {
    expect(terminal.clients).toHaveLength(6);
    expect(countsOf(terminal.clients)).toEqual(terminal.counts);
    for (const c of terminal.clients) expect(c.client.state.status, c.label).toBe("closed");
  });
});
