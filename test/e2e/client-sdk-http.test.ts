/**
 * The client SDK's HTTP fallback (SSE down, POST up) against
 * the worker in workerd (miniflare): a client on `transport: "http"` playing a WebSocket client,
 * and a client on `transport: "auto"` whose WebSockets can never open, which
 * must say so, fall back by itself and play on with no input lost or
 * doubled. Waits are on SDK events, never on time.
 */
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import {
  joinMatch,
  type AppliedUpdate,
  type ClientEvents,
  type ClientOptions,
  type GameClient,
  type InputOutcome,
  type StreamingFetch,
  type WebSocketLike,
  type WelcomeEvent,
} from "../../src/client/internal";
import type { Guest } from "../support/api";
import { discs, expectContiguous, move, next, seatOf, untilRoom } from "../support/sdk-play";
import { useWorkerSuite } from "../support/worker-suite";

const suite = useWorkerSuite();
const { clients } = suite;

interface Player {
  readonly client: GameClient<unknown>;
  /** WebSocket URLs the SDK tried to open. */
  readonly socketAttempts: string[];
  /** Event streams the SDK opened, each with a switch to cut it from outside. */
  readonly streams: { url: string; cut: () => void }[];
  readonly updates: AppliedUpdate[];
  readonly welcomes: WelcomeEvent[];
  readonly outcomes: InputOutcome[];
  readonly statuses: string[];
}

/** A WebSocket that can never connect, as behind a proxy that refuses upgrades: every attempt errors at once. */
function blockedWebSocket(attempts: string[]) {
  return class BlockedWebSocket implements WebSocketLike {
    binaryType = "blob";
    readyState = 0;
    private readonly listeners = new Map<string, ((ev: never) => void)[]>();
    constructor(url: string) {
      attempts.push(url);
      queueMicrotask(() => {
        this.fire("error", {});
        this.fire("close", { code: 1006, reason: "" });
      });
    }
    addEventListener(type: string, fn: (ev: never) => void): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
    }
    send(): void {
      throw new Error("WebSocket is not open");
    }
    close(): void {}
    private fire(type: string, ev: object): void {
      for (const fn of this.listeners.get(type) ?? []) (fn as (ev: object) => void)(ev);
    }
  };
}

function player(g: Guest, matchId: string, over: Partial<ClientOptions>): Player {
  const socketAttempts: string[] = [];
  const streams: Player["streams"] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      socketAttempts.push(url);
    }
  }
  // The platform fetch, with a handle on every event stream so a test can cut one like a dropped network.
  const httpFetch: StreamingFetch = (url, init) => {
    if (init.method !== "GET") return fetch(url, init);
    const cut = new AbortController();
    streams.push({ url, cut: () => cut.abort() });
    return fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, cut.signal]) : cut.signal });
  };
  const client = joinMatch({
    baseUrl: suite.server.base,
    matchId,
    getToken: async () => g.token,
    WebSocket: RecordingWebSocket,
    fetch,
    httpFetch,
    onlineEvents: null,
    // Retry at the start of each backoff window: the test is about correctness, not pacing.
    backoff: { random: () => 0 },
    ...over,
  });
  clients.push(client);
  const p: Player = { client, socketAttempts, streams, updates: [], welcomes: [], outcomes: [], statuses: [] };
  client.on("update", (u) => p.updates.push(u));
  client.on("welcome", (w) => p.welcomes.push(w));
  client.on("state", (s) => p.statuses.push(s.status));
  return p;
}

/** Every input settled once, in id order, none left pending. */
function expectEachInputOnce(p: Player): void {
  const ids = p.outcomes.map((o) => o.id);
  expect(ids).toEqual([...ids].sort((x, y) => (x ?? 0) - (y ?? 0)));
  expect(new Set(ids).size).toBe(ids.length);
  expect(p.client.pendingInputs).toBe(0);
}

/** Two players in a started match; `first` is the one to move. */
async function startMatch(a: (g: Guest, matchId: string) => Player, b: (g: Guest, matchId: string) => Player): Promise<{ pa: Player; pb: Player; first: Player; second: Player }> {
  const alice = await suite.api.guest("Alice");
  const bob = await suite.api.guest("Bob");
  const matchId = await suite.api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
  const pa = a(alice, matchId);
  await next(pa.client, "state", (s) => s.status === "open");
  const pb = b(bob, matchId);
  await Promise.all([untilRoom(pa.client, (r) => r.status === "playing"), untilRoom(pb.client, (r) => r.status === "playing")]);
  return pa.client.room?.turn === seatOf(pa) ? { pa, pb, first: pa, second: pb } : { pa, pb, first: pb, second: pa };
}

describe("the client SDK's HTTP fallback against the worker in workerd", () => {
  it("plays Connect Four to a win over HTTP against a WebSocket client", async () => {
    const { pa: http, pb: ws, first, second } = await startMatch(
      (g, m) => player(g, m, { transport: "http" }),
      (g, m) => player(g, m, { transport: "websocket" }),
    );
    expect(http.client.transport).toBe("http");
    expect(ws.client.transport).toBe("websocket");
    expect(http.socketAttempts).toHaveLength(0);
    expect(http.streams[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/matches\/[^/]+\/sse\?ticket=[^&]+&v=1$/);
    const ended = [http, ws].map((p) => next(p.client, "critical", (c) => c.events.some((e) => e.type === "matchEnded")));
    // The first player stacks column 3, the second column 4: the first wins on its fourth disc.
    for (let i = 0; i < 7; i++) {
      expect(await move(i % 2 === 0 ? first : second, i, i % 2 === 0 ? 3 : 4)).toMatchObject({ ok: true, kind: "ack", dup: false });
    }
    const [endHttp, endWs] = await Promise.all([untilRoom(http.client, (r) => r.status === "finished"), untilRoom(ws.client, (r) => r.status === "finished")]);
    expect(endHttp.result).toMatchObject({ winner: seatOf(first), reason: "win" });
    expect(endWs.result).toMatchObject({ winner: seatOf(first), reason: "win" });
    expect(discs(endHttp)).toBe(7);
    // Critical updates were announced and acknowledged over POST; clock syncs made the round trip.
    await Promise.all(ended);
    expect(http.client.rtt).not.toBeNull();
    expect(http.client.stats.undecodableFrames + ws.client.stats.undecodableFrames).toBe(0);
    expect(http.statuses).not.toContain("reconnecting");
    for (const p of [http, ws]) {
      expectEachInputOnce(p);
      expectContiguous(p);
    }
  });

  it("auto: reports WebSockets blocked after the bounded attempts, falls back to HTTP, survives a cut stream, and loses or doubles no input", async () => {
    const attempts: string[] = [];
    const heard: { blocked?: Promise<ClientEvents["transportBlocked"]>; fallback?: Promise<ClientEvents["fallback"]> } = {};
    const { pa: auto, pb: ws, first, second } = await startMatch(
      (g, m) => {
        const p = player(g, m, { transport: "auto", WebSocket: blockedWebSocket(attempts), maxEstablishFailures: 5 });
        heard.blocked = next(p.client, "transportBlocked");
        heard.fallback = next(p.client, "fallback");
        return p;
      },
      (g, m) => player(g, m, { transport: "websocket" }),
    );
    expect(await heard.blocked).toEqual({ failures: 5 });
    expect(await heard.fallback).toEqual({ from: "websocket", to: "http", failures: 5 });
    expect(attempts).toHaveLength(5);
    expect(attempts.every((u) => u.startsWith("ws://") && /\/ws\?/.test(u))).toBe(true);
    expect(auto.client.transport).toBe("http");
    expect(auto.client.webSocketsBlocked).toBe(true);
    expect(auto.statuses.filter((s) => s === "reconnecting")).toHaveLength(5);

    // Two moves each over the fallback.
    for (let i = 0; i < 4; i++) {
      expect(await move(i % 2 === 0 ? first : second, i, i % 2 === 0 ? 3 : 4)).toMatchObject({ ok: true, kind: "ack", dup: false });
    }

    // Cut the fallback's event stream right after the auto client sends a move, before the ack can come back.
    const before = auto === first ? 4 : 5;
    if (auto === second) expect(await move(first, 4, 3)).toMatchObject({ ok: true });
    await untilRoom(auto.client, (r) => r.turn === seatOf(auto) && discs(r) === before);
    const reconnectsBefore = auto.statuses.filter((s) => s === "reconnecting").length;
    const streamsBefore = auto.streams.length;
    const sent = auto.client.send({ type: "dropDisc", column: auto === first ? 3 : 4 });
    auto.streams.at(-1)?.cut();
    const outcome = await sent;
    auto.outcomes.push(outcome);
    // Applied exactly once, whether the POST reached the room before the cut or was re-sent after the resume.
    expect(outcome).toMatchObject({ ok: true, kind: "ack" });
    expect(auto.statuses.filter((s) => s === "reconnecting").length).toBe(reconnectsBefore + 1);
    expect(auto.streams.length).toBe(streamsBefore + 1);
    await untilRoom(ws.client, (r) => discs(r) === before + 1);
    expect(discs(auto.client.room ?? expect.fail("no room"))).toBe(before + 1);
    // Still on HTTP: the blocked WebSocket was not tried again, and the connection resumed its session.
    expect(attempts).toHaveLength(5);
    expect(auto.welcomes.at(-1)?.plan.kind).toBe("replayed");

    // Finish: the first player completes column 3.
    for (let d = before + 1; d < 7; d++) {
      expect(await move(d % 2 === 0 ? first : second, d, d % 2 === 0 ? 3 : 4)).toMatchObject({ ok: true, dup: false });
    }
    const [endAuto, endWs] = await Promise.all([untilRoom(auto.client, (r) => r.status === "finished"), untilRoom(ws.client, (r) => r.status === "finished")]);
    expect(discs(endAuto)).toBe(7);
    expect(endWs.result).toMatchObject({ winner: seatOf(first), reason: "win" });
    // Every disc on the board is one acknowledged input: none lost, none applied twice.
    expect(auto.outcomes.length + ws.outcomes.length).toBe(7);
    for (const p of [auto, ws]) {
      expectEachInputOnce(p);
      expectContiguous(p);
    }
    expect(auto.client.stats.undecodableFrames).toBe(0);
  });
});
