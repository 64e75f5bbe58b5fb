import { env, runInDurableObject } from "cloudflare:test";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { TestSocket } from "../support/test-socket";
import { api, track, upgrade, wrap } from "./helpers";

const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const now = () => Math.floor(Date.now() / 1000);

async function setup() {
  const alice = await api.guest("Alice");
  const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
  const other = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
  return { alice, matchId, other };
}

function claims(matchId: string, over: Record<string, unknown> = {}) {
  return { iss: "edgeroom", aud: `edgeroom:match:${matchId}`, sub: "guest_x", name: "Mallory", role: "player", jti: "jti-12345678", iat: now(), exp: now() + 30, ...over };
}

/** Sockets the room has accepted, and tickets it has seen: both zero means the room was never touched. */
async function roomTouches(matchId: string): Promise<number> {
  const stub = env.ROOMS.get(env.ROOMS.idFromName(matchId));
  return runInDurableObject(stub, (_i, state) => {
    const tickets = state.storage.sql.exec("SELECT count(*) AS n FROM tickets").one()["n"];
    return state.getWebSockets().length + Number(tickets);
  });
}

describe("WebSocket upgrade refusals", () => {
  it("refuses an upgrade without a ticket before a room is touched", async () => {
    const { matchId } = await setup();
    const res = await upgrade(`${api.base}/api/matches/${matchId}/ws?v=1`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect(await roomTouches(matchId)).toBe(0);
  });

  it("refuses a ticket with a bad signature, alg none, an expiry in the past, no expiry, or another match", async () => {
    const { matchId, other } = await setup();
    const secret = env.AUTH_SECRET ?? "";
    const forged = [
      await sign(claims(matchId), "not-the-secret-0123456789abcdef0123", "HS256"),
      `${b64({ alg: "none", typ: "JWT" })}.${b64(claims(matchId))}.`,
      await sign(claims(matchId, { exp: now() - 10 }), secret, "HS256"),
      await sign(claims(matchId, { exp: undefined }), secret, "HS256"),
      await sign(claims(other), secret, "HS256"),
      await sign(claims(matchId), secret, "HS512"),
      // A player token is not a ticket: its audience differs.
      (await api.guest("Eve")).token,
    ];
    for (const ticket of forged) {
      const res = await upgrade(api.wsPath(matchId, ticket));
      expect(res.status, ticket).toBe(401);
      expect(res.webSocket).toBeNull();
    }
    expect(await roomTouches(matchId)).toBe(0);
  });

  it("refuses a browser origin that is not on the exact allowlist", async () => {
    const { alice, matchId } = await setup();
    for (const origin of ["https://evil.example.com", "https://play.example.com.evil.net", "https://evilplay.example.com", "null"]) {
      const { ticket } = await api.ticket(alice.token, matchId);
      const res = await upgrade(api.wsPath(matchId, ticket), { Origin: origin });
      expect(res.status, origin).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "FORBIDDEN_ORIGIN" } });
    }
    expect(await roomTouches(matchId)).toBe(0);
    const { ticket } = await api.ticket(alice.token, matchId);
    const ok = await upgrade(api.wsPath(matchId, ticket), { Origin: "https://play.example.com" });
    expect(ok.status).toBe(101);
    if (ok.webSocket) await wrap(ok.webSocket).next("welcome");
  });

  it("answers a plain GET on the socket path with 426", async () => {
    const { matchId } = await setup();
    const res = await api.fetch(`${api.base}/api/matches/${matchId}/ws`);
    expect(res.status).toBe(426);
  });

  it("ignores client-sent internal identity headers", async () => {
    const { alice, matchId } = await setup();
    const { ticket } = await api.ticket(alice.token, matchId);
    const spoof = JSON.stringify({ playerId: "admin", name: "Admin", role: "player", jti: "x".repeat(16), exp: now() + 60, version: 1 });
    const res = await upgrade(api.wsPath(matchId, ticket), { "x-edgeroom-identity": spoof });
    expect(res.status).toBe(101);
    const ws = res.webSocket;
    ws?.accept();
    if (ws) ws.binaryType = "arraybuffer";
    const sock = track(new TestSocket(ws!));
    const welcome = await sock.next("welcome");
    expect(welcome.you.playerId).toBe(alice.playerId);
    sock.close();
  });

  it("refuses a join ticket used twice with the auth close code", async () => {
    const { alice, matchId } = await setup();
    const { ticket } = await api.ticket(alice.token, matchId);
    const first = await upgrade(api.wsPath(matchId, ticket));
    if (first.webSocket) wrap(first.webSocket);
    const second = await upgrade(api.wsPath(matchId, ticket));
    const ws = second.webSocket!;
    ws.accept();
    ws.binaryType = "arraybuffer";
    expect(await track(new TestSocket(ws)).closed).toMatchObject({ code: 4001 });
  });
  // The per-address upgrade cap is tested exactly, wherever the window boundaries fall, in edge-limits.test.ts.
});
