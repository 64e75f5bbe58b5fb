/**
 * The client SDK against the worker in workerd (started through miniflare): Node's `ws` as the injected
 * WebSocket, real tickets, real close codes. Waits are on SDK events, never
 * on time. Assertions that depend on the server's resume support are marked
 * [resume].
 */
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { joinMatch, type AppliedUpdate, type GameClient, type InputOutcome, type WelcomeEvent } from "../../src/client/internal";
import type { Guest } from "../support/api";
import { discs, expectContiguous, move, next, seatOf, untilRoom } from "../support/sdk-play";
import { useWorkerSuite } from "../support/worker-suite";

const suite = useWorkerSuite();
const { clients } = suite;

interface Player {
  readonly client: GameClient<unknown>;
  /** Every socket the SDK opened, so a test can break one from outside. */
  readonly sockets: WebSocket[];
  readonly updates: AppliedUpdate[];
  readonly welcomes: WelcomeEvent[];
  readonly outcomes: InputOutcome[];
  readonly statuses: string[];
  /** Hold the next connection attempt before it mints a ticket (released by the returned function). */
  holdNextAttempt(): () => void;
}

function player(g: Guest, matchId: string): Player {
  const sockets: WebSocket[] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  let gate: Promise<void> = Promise.resolve();
  const client = joinMatch({
    baseUrl: suite.server.base,
    matchId,
    getToken: async () => {
      await gate;
      return g.token;
    },
    WebSocket: RecordingWebSocket,
    fetch,
    onlineEvents: null,
    // Retry at the start of each backoff window: the test is about correctness, not pacing.
    backoff: { random: () => 0 },
  });
  clients.push(client);
  const p: Player = {
    client,
    sockets,
    updates: [],
    welcomes: [],
    outcomes: [],
    statuses: [],
    holdNextAttempt() {
      let release = () => {};
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = Promise.resolve();
        release();
      };
    },
  };
  client.on("update", (u) => p.updates.push(u));
  client.on("welcome", (w) => p.welcomes.push(w));
  client.on("state", (s) => p.statuses.push(s.status));
  return p;
}

async function startMatch(): Promise<{ first: Player; second: Player }> {
  const alice = await suite.api.guest("Alice");
  const bob = await suite.api.guest("Bob");
  const matchId = await suite.api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
  const a = player(alice, matchId);
  await next(a.client, "state", (s) => s.status === "open");
  const b = player(bob, matchId);
  await Promise.all([untilRoom(a.client, (r) => r.status === "playing"), untilRoom(b.client, (r) => r.status === "playing")]);
  const turn = a.client.room?.turn;
  return turn === seatOf(a) ? { first: a, second: b } : { first: b, second: a };
}

describe("the client SDK against the worker in workerd", () => {
  it("lets two SDK clients play Connect Four to a win", async () => {
    const { first, second } = await startMatch();
    const criticals = [next(first.client, "critical", (c) => c.events.some((e) => e.type === "matchEnded")), next(second.client, "critical", (c) => c.events.some((e) => e.type === "matchEnded"))];
    // The first player stacks column 3, the second column 4: the first wins on its fourth disc.
    for (let i = 0; i < 7; i++) {
      const outcome = await move(i % 2 === 0 ? first : second, i, i % 2 === 0 ? 3 : 4);
      expect(outcome).toMatchObject({ ok: true, kind: "ack", dup: false });
    }
    const [endA, endB] = await Promise.all([untilRoom(first.client, (r) => r.status === "finished"), untilRoom(second.client, (r) => r.status === "finished")]);
    expect(endA.result).toMatchObject({ winner: seatOf(first), reason: "win" });
    expect(endB.result).toMatchObject({ winner: seatOf(first), reason: "win" });
    await Promise.all(criticals);
    expect(first.client.stats.undecodableFrames + second.client.stats.undecodableFrames).toBe(0);
    expect(first.client.rtt).not.toBeNull();
    expectContiguous(first);
    expectContiguous(second);
  });

  it("reconnects by itself after its socket is killed or closed with 4500, resumes, and loses or doubles no input", async () => {
    const { first, second } = await startMatch();

    // 1. Kill the first player's TCP connection right after it sends a move, before the ack can arrive.
    await untilRoom(first.client, (r) => r.turn === seatOf(first));
    const sent = first.client.send({ type: "dropDisc", column: 3 });
    first.sockets.at(-1)?.terminate();
    const outcome = await sent;
    first.outcomes.push(outcome);
    expect(outcome).toMatchObject({ ok: true, kind: "ack", id: 1 });
    expect(first.statuses).toContain("reconnecting");
    expect(first.sockets.length).toBe(2);
    // Whether the frame reached the room before the kill or only after the re-send, it was applied exactly once.
    await untilRoom(second.client, (r) => discs(r) === 1);
    expect(discs(first.client.room ?? expect.fail("no room"))).toBe(1);
    // [resume] The new connection resumed the session rather than starting over.
    expect(first.welcomes.at(-1)?.plan.kind).toBe("replayed");

    // 2. Close the second player's socket with 4500 and hold its reconnect while the first player moves.
    await untilRoom(second.client, (r) => r.turn === seatOf(second));
    expect(await move(second, 1, 4)).toMatchObject({ ok: true });
    const release = second.holdNextAttempt();
    const lastSeqBefore = second.client.lastSeq ?? -1;
    const reconnected = next(second.client, "welcome");
    second.sockets.at(-1)?.close(4500, "test: heartbeat timeout");
    await next(second.client, "state", (s) => s.status === "connecting");
    expect(await move(first, 2, 3)).toMatchObject({ ok: true, dup: false });
    release();
    const resumed = await reconnected;
    // [resume] Everything missed while away is replayed, in order, and nothing already applied comes again.
    expect(resumed.plan.kind).toBe("replayed");
    expect(resumed.frame.resume).toEqual({ status: "replayed", fromSeq: lastSeqBefore });
    const replayed = second.updates.filter((u) => u.source === "replay");
    expect(replayed.map((u) => u.seq)).toEqual(Array.from({ length: resumed.frame.seq - lastSeqBefore }, (_, i) => lastSeqBefore + 1 + i));
    expect(replayed.flatMap((u) => u.events).some((e) => e.type === "playerMove")).toBe(true);
    expect(discs(second.client.room ?? expect.fail("no room"))).toBe(3);

    // 3. Finish the match; both sides agree and every input landed exactly once.
    for (let i = 3; i < 7; i++) expect(await move(i % 2 === 0 ? first : second, i, i % 2 === 0 ? 3 : 4)).toMatchObject({ ok: true });
    const [endA, endB] = await Promise.all([untilRoom(first.client, (r) => r.status === "finished"), untilRoom(second.client, (r) => r.status === "finished")]);
    expect(discs(endA)).toBe(7);
    expect(endB.result).toMatchObject({ winner: seatOf(first), reason: "win" });
    for (const p of [first, second]) {
      const ids = p.outcomes.map((o) => o.id);
      expect(ids).toEqual([...ids].sort((x, y) => (x ?? 0) - (y ?? 0)));
      expect(new Set(ids).size).toBe(ids.length);
      expect(p.client.pendingInputs).toBe(0);
      expectContiguous(p);
    }
    expect(first.outcomes).toHaveLength(4);
    expect(second.outcomes).toHaveLength(3);
    await untilRoom(first.client, () => first.client.lastSeq === second.client.lastSeq);
  });
});
