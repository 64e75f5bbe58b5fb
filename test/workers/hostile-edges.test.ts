/**
 * Hostile requests at the edge: 24 Origin variants and 18 token and ticket variants are refused
 * by the worker without touching the room (no socket accepted, no ticket recorded), and one ticket
 * raced on several sockets at once admits exactly one.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { api, upgrade, wrap } from "./helpers";

const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const now = () => Math.floor(Date.now() / 1000);

/** Sockets the room has accepted plus tickets it has recorded: 0 means the room was never touched. */
async function roomTouches(matchId: string): Promise<number> {
  return runInDurableObject(env.ROOMS.get(env.ROOMS.idFromName(matchId)), (_o, state) => {
    const tickets = state.storage.sql.exec("SELECT count(*) AS n FROM tickets").one()["n"];
    return state.getWebSockets().length + Number(tickets);
  });
}

async function setup() {
  const alice = await api.guest("Alice");
  const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
  return { alice, matchId };
}

describe("hostile requests at the edge", () => {
  it("refuses 24 Origin variants with 403 FORBIDDEN_ORIGIN before the room", async () => {
    const { alice, matchId } = await setup();
    const allowed = "https://play.example.com";
    const origins = [
      "https://evil.example.com", "https://play.example.com.evil.net", "https://evilplay.example.com", "null",
      "http://play.example.com", "https://play.example.com:444", "https://PLAY.example.com", "https://play.example.com/",
      "https://play.example.co", "https://play.example.comm", "https://play.example.com.", "HTTPS://play.example.com",
      "https://play.example.com,https://evil.example.com", "https://sub.play.example.com", "https://play%2eexample.com",
      "https://xn--play-example-com.evil", "wss://play.example.com", "https://edgeroom.test.evil.net", "http://edgeroom.test",
      "https://edgeroom.test:8443", "file://", "chrome-extension://abcdefghijklmnop", "https://play.example.com\u0000", "*",
    ];
    expect(origins.length).toBe(24);
    let unsendable = 0;
    for (const origin of origins) {
      const { ticket } = await api.ticket(alice.token, matchId);
      const res = await upgrade(api.wsPath(matchId, ticket), { Origin: origin }).catch(() => null);
      // A value that cannot even be sent as a header (the runtime refuses it) is refused either way.
      // (Leading and trailing spaces are not variants: HTTP trims them, so they are not tested.)
      if (res === null) {
        unsendable++;
        continue;
      }
      expect(res.status, JSON.stringify(origin)).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "FORBIDDEN_ORIGIN" } });
    }
    expect(unsendable).toBe(1); // the NUL one
    expect(await roomTouches(matchId)).toBe(0);
    const { ticket } = await api.ticket(alice.token, matchId);
    const ok = await upgrade(api.wsPath(matchId, ticket), { Origin: allowed });
    expect(ok.status).toBe(101);
    if (ok.webSocket) await wrap(ok.webSocket).next("welcome");
  });

  it("refuses 18 forged, stale or mangled tickets with 401 before the room", async () => {
    const { alice, matchId } = await setup();
    const secret = env.AUTH_SECRET ?? "";
    const claims = (over: Record<string, unknown> = {}) => ({ iss: "edgeroom", aud: `edgeroom:match:${matchId}`, sub: "guest_x", name: "Mallory", role: "player", jti: "jti-12345678", iat: now(), exp: now() + 30, ...over });
    const good = (await api.ticket(alice.token, matchId)).ticket;
    const [h, p, sig] = good.split(".") as [string, string, string];
    const payload = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const variants: [string, string][] = [
      ["bad signature", await sign(claims(), "not-the-secret-0123456789abcdef0123", "HS256")],
      ["alg none", `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`],
      ["expired", await sign(claims({ exp: now() - 10 }), secret, "HS256")],
      ["no exp", await sign(claims({ exp: undefined }), secret, "HS256")],
      ["future nbf", await sign(claims({ nbf: now() + 600 }), secret, "HS256")],
      ["future iat", await sign(claims({ iat: now() + 600 }), secret, "HS256")],
      ["wrong iss", await sign(claims({ iss: "someone-else" }), secret, "HS256")],
      ["other match", await sign(claims({ aud: "edgeroom:match:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), secret, "HS256")],
      ["HS512", await sign(claims(), secret, "HS512")],
      ["RS256 header", `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims())}.${sig}`],
      ["tampered payload", `${h}.${b64({ ...payload, sub: "admin" })}.${sig}`],
      ["tampered role", `${h}.${b64({ ...payload, role: "spectator" })}.${sig}`],
      ["signature cut", `${h}.${p}.${sig.slice(0, -2)}`],
      ["no signature", `${h}.${p}`],
      ["oversized", `${h}.${b64({ ...payload, pad: "x".repeat(3000) })}.${sig}`],
      ["player token", alice.token],
      ["bad role", await sign(claims({ role: "admin" }), secret, "HS256")],
      ["short jti", await sign(claims({ jti: "x" }), secret, "HS256")],
    ];
    expect(variants.length).toBe(18);
    for (const [what, ticket] of variants) {
      const res = await upgrade(api.wsPath(matchId, ticket));
      // An oversized ticket is already refused by the query's length bound (400); the rest by verification.
      expect([400, 401], what).toContain(res.status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, what).toBe(res.status === 400 ? "BAD_REQUEST" : "UNAUTHORIZED");
      expect(body.error.message, what).not.toMatch(/jwt/i);
      expect(res.webSocket, what).toBeNull();
    }
    expect(await roomTouches(matchId)).toBe(0);
  });

  it("admits exactly one of five sockets racing the same ticket; the others close with 4001", async () => {
    const { alice, matchId } = await setup();
    const { ticket } = await api.ticket(alice.token, matchId);
    const responses = await Promise.all(Array.from({ length: 5 }, () => upgrade(api.wsPath(matchId, ticket))));
    expect(responses.map((r) => r.status)).toEqual([101, 101, 101, 101, 101]);
    const sockets = responses.map((r) => wrap(r.webSocket!));
    const outcomes = await Promise.all(
      // A refused socket's wait for a welcome rejects when it closes; its close code is the outcome then.
      sockets.map((s) => s.next("welcome").then(() => "welcome", async () => `closed ${(await s.closed).code}`)),
    );
    expect(outcomes.filter((o) => o === "welcome")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "closed 4001")).toHaveLength(4);
    expect(await roomTouches(matchId)).toBe(2); // one socket, one recorded ticket
  });
});
