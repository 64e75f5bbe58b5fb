/**
 * The operator's room actions: closing a room with a reason (4011 to every connection, WebSocket and
 * HTTP fallback, players and spectators; later joins refused; idempotent) and removing one player
 * (4009, no new ticket, the seat forfeits), each logged as one `operator_action` JSON line.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifyReplay } from "../../src/replay/verify";
import { appGames } from "../support/app-games";
import { openSse } from "../support/sse-socket";
import { api, join, joinRefused, twoPlayerMatch } from "./helpers";

const TOKEN = "test-operator-token-0123456789abcdef";
const action = (path: string, body: unknown, authorization = `Bearer ${TOKEN}`) =>
  api.fetch(`${api.base}${path}`, { method: "POST", headers: { Authorization: authorization, "Content-Type": "application/json" }, body: JSON.stringify(body) });
const closeRoom = (matchId: string, reason: unknown, authorization?: string) => action(`/api/admin/rooms/${matchId}/close`, { reason }, authorization);
const removePlayer = (matchId: string, playerId: string, reason: unknown) => action(`/api/admin/rooms/${matchId}/players/${encodeURIComponent(playerId)}/remove`, { reason });

/** The `operator_action` log lines written while `run` runs. */
async function operatorLogs(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "warn").mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l["event"] === "operator_action");
}

afterEach(() => vi.restoreAllMocks());

describe("POST /api/admin/rooms/:id/close", () => {
  it("ends the match without a winner, closes players and spectators on both transports with 4011 and the reason, and refuses later joins", async () => {
    const { alice, bob, matchId, a, b } = await twoPlayerMatch();
    const carol = await api.guest("Carol");
    const watcher = await join(carol, matchId, "spectator");
    await watcher.next("welcome");
    const dave = await api.guest("Dave");
    const { ticket } = await api.ticket(dave.token, matchId, "spectator");
    const { sock: sse } = await openSse(api.fetch, api.base, matchId, ticket);
    await sse.next("welcome");

    let res: Response | undefined;
    const logs = await operatorLogs(async () => {
      res = await closeRoom(matchId, "  Cheating reported  ");
    });
    expect(res?.status).toBe(200);
    expect(await res?.json()).toEqual({ matchId, closed: true, alreadyClosed: false, reason: "Cheating reported", connectionsClosed: 4 });
    expect(logs).toEqual([expect.objectContaining({ event: "operator_action", action: "close_room", matchId, reason: "Cheating reported", at: expect.any(Number), operator: "operator token" })]);

    for (const sock of [a, b, watcher, sse]) {
      const closed = await sock.nextEvent("roomClosed");
      expect(closed.events).toContainEqual({ type: "roomClosed", reason: "operator", message: "Cheating reported" });
      expect(await sock.closed).toEqual({ code: 4011, reason: "Cheating reported" });
    }
    const status = (await (await api.status(matchId)).json()) as { status: string; result: unknown };
    expect(status.status).toBe("closed");
    expect(status.result).toEqual({ winner: null, reason: "abandoned", detail: { closedBy: "operator", reason: "Cheating reported" } });
    const replay = (await (await api.fetch(`${api.base}/api/matches/${matchId}/replay`)).json()) as { closedBy: unknown };
    expect(replay.closedBy).toEqual({ by: "operator", reason: "Cheating reported", at: expect.any(Number) });
    // The round cut short revealed its seed: the replay verifies, with the operator's result.
    expect(verifyReplay(replay, appGames)).toMatchObject({ ok: true, result: { winner: null, reason: "abandoned", detail: { closedBy: "operator" } } });

    // Later joins, seated or not, get the same code and reason.
    expect(await joinRefused(alice, matchId)).toEqual({ code: 4011, reason: "Cheating reported" });
    expect(await joinRefused(bob, matchId, { role: "spectator" })).toEqual({ code: 4011, reason: "Cheating reported" });

    // Idempotent: the same answer, nothing closed, the first reason kept.
    const again = await closeRoom(matchId, "Another reason");
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ matchId, closed: true, alreadyClosed: true, reason: "Cheating reported", connectionsClosed: 0 });
  });

  it("cuts a long reason to 123 bytes of UTF-8 for the close frame, on a character boundary", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    const reason = "é".repeat(120); // 240 bytes
    expect((await closeRoom(matchId, reason)).status).toBe(200);
    const closed = await a.closed;
    expect(closed.code).toBe(4011);
    expect(closed.reason).toBe("é".repeat(61));
    expect(new TextEncoder().encode(closed.reason).length).toBeLessThanOrEqual(123);
    await b.closed;
  });

  it("refuses a bad body, a wrong token and an unknown room, and changes nothing", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    for (const body of [{}, { reason: "" }, { reason: "   " }, { reason: "x".repeat(121) }, { reason: 7 }, { reason: "ok", extra: 1 }]) {
      const res = await action(`/api/admin/rooms/${matchId}/close`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    }
    expect((await closeRoom(matchId, "why", "Bearer wrong-token-wrong-token-wrong")).status).toBe(401);
    const other = `${matchId.slice(0, -1)}${matchId.endsWith("A") ? "B" : "A"}`;
    expect((await closeRoom(other, "why")).status).toBe(404);
    const status = (await (await api.status(matchId)).json()) as { status: string };
    expect(status.status).toBe("playing");
    a.close();
    b.close();
  });
});

describe("POST /api/admin/rooms/:id/players/:playerId/remove", () => {
  it("closes the player's socket with 4009 and the reason, forfeits the seat in play, and refuses the player's next ticket", async () => {
    const { alice, bob, matchId, a, b } = await twoPlayerMatch();
    const { ticket: earlier } = await api.ticket(alice.token, matchId);
    let res: Response | undefined;
    const logs = await operatorLogs(async () => {
      res = await removePlayer(matchId, alice.playerId, "Abusive chat");
    });
    expect(res?.status).toBe(200);
    expect(await res?.json()).toEqual({ matchId, playerId: alice.playerId, removed: true, alreadyRemoved: false, seat: 0, seatOutcome: "forfeited", connectionsClosed: 1 });
    expect(logs).toEqual([expect.objectContaining({ event: "operator_action", action: "remove_player", matchId, playerId: alice.playerId, reason: "Abusive chat", at: expect.any(Number) })]);
    expect(await a.closed).toEqual({ code: 4009, reason: "Abusive chat" });

    const ended = await b.nextEvent("matchEnded");
    expect(ended.events[0]).toEqual({ type: "playerRemoved", seat: 0 });
    expect(ended.room.result).toMatchObject({ winner: 1, reason: "forfeit" });

    const ticket = await api.post(`/api/matches/${matchId}/ticket`, {}, alice.token);
    expect(ticket.status).toBe(403);
    expect(await ticket.json()).toMatchObject({ error: { code: "REMOVED_FROM_MATCH" } });
    // A ticket minted before the removal is refused by the room itself.
    const res2 = await api.fetch(api.wsPath(matchId, earlier), { headers: { Upgrade: "websocket" } });
    const ws = res2.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    const refused = await new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
    expect(refused).toEqual({ code: 4009, reason: "Abusive chat" });

    // Idempotent; Bob is untouched.
    expect(await (await removePlayer(matchId, alice.playerId, "again")).json()).toMatchObject({ removed: true, alreadyRemoved: true, connectionsClosed: 0 });
    expect((await api.post(`/api/matches/${matchId}/ticket`, {}, bob.token)).status).toBe(200);
    b.close();
  });

  it("frees the seat of a player removed while the match waits, and removes a spectator without touching the seats", async () => {
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const carol = await api.guest("Carol");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const a = await join(alice, matchId);
    await a.next("welcome");
    const watcher = await join(carol, matchId, "spectator");
    await watcher.next("welcome");
    expect(await (await removePlayer(matchId, carol.playerId, "Spam")).json()).toMatchObject({ seat: null, seatOutcome: "none", connectionsClosed: 1 });
    expect(await watcher.closed).toEqual({ code: 4009, reason: "Spam" });

    expect(await (await removePlayer(matchId, alice.playerId, "Wrong table")).json()).toMatchObject({ seat: 0, seatOutcome: "freed" });
    expect(await a.closed).toEqual({ code: 4009, reason: "Wrong table" });
    // Seat 0 is open again: Bob takes it.
    const b = await join(bob, matchId);
    expect((await b.next("welcome")).you.seat).toBe(0);
    b.close();
  });

  it("answers 404 for a player never seen in the room, 400 for a malformed id, and changes nothing", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    const unknown = await removePlayer(matchId, "never-seen-player", "why");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await removePlayer(matchId, "no spaces allowed", "why")).status).toBe(400);
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    await a.next("ack", (x) => x.id === 1);
    a.close();
    b.close();
  });
});
