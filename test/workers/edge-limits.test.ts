/**
 * The edge's per-address limits (guest, match, ticket, upgrade), the client address they key on,
 * the Host allowlist and token error wording. Outcomes are checked exactly against the fixed-window
 * rule of the rate-limit binding, wherever the window boundaries fall (test/support/fixed-window.ts).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import worker from "../../src/app/worker";
import { expectFixedWindowCap } from "../support/fixed-window";
import { api, freshAddress, upgrade, wrap } from "./helpers";

const LIMITS = { GUEST_LIMITER: [10, 60], MATCH_LIMITER: [20, 60], TICKET_LIMITER: [60, 60], UPGRADE_LIMITER: [30, 10] } as const;

async function checkLimit(name: keyof typeof LIMITS, attempt: () => Promise<Response>, expectOk: number) {
  const [limit, period] = LIMITS[name];
  return expectFixedWindowCap(limit, period, expectOk, attempt);
}

/** The app with other configuration than the project's (the worker reads it per request). */
async function withVars(vars: Record<string, string>, request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const app = worker as unknown as { fetch(r: Request, e: unknown, c: ExecutionContext): Promise<Response> };
  const res = await app.fetch(request, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const guestInit = (ip: string): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip }, body: "{}" });

describe("per-address limits at the edge", () => {
  it("caps guest creation per address with 429, Retry-After and the RATE_LIMITED body", async () => {
    const ip = freshAddress();
    await checkLimit("GUEST_LIMITER", () => api.fetch(`${api.base}/api/guest`, guestInit(ip)), 201);
    // Another address is not affected.
    expect((await api.post("/api/guest", {})).status).toBe(201);
  });

  it("caps match creation per address; a refused request creates nothing", async () => {
    const alice = await api.guest("Alice");
    const ip = freshAddress();
    const create = () =>
      api.fetch(`${api.base}/api/matches`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${alice.token}`, "CF-Connecting-IP": ip }, body: JSON.stringify({ game: "connect-four", mode: "pvp" }) });
    await checkLimit("MATCH_LIMITER", create, 201);
  });

  it("caps ticket minting per address", async () => {
    const alice = await api.guest("Alice");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp" });
    const ip = freshAddress();
    const mint = () =>
      api.fetch(`${api.base}/api/matches/${matchId}/ticket`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${alice.token}`, "CF-Connecting-IP": ip }, body: "{}" });
    await checkLimit("TICKET_LIMITER", mint, 200);
  });

  it("caps upgrades per address, whatever player the tickets name", async () => {
    const owner = await api.guest("Owner");
    const matchId = await api.createMatch(owner.token, { game: "connect-four", mode: "pvp" });
    const ip = freshAddress();
    await checkLimit(
      "UPGRADE_LIMITER",
      async () => {
        // A fresh guest per attempt: a per-player key would never limit this.
        const g = await api.guest("Spec");
        const { ticket } = await api.ticket(g.token, matchId, "spectator");
        const res = await upgrade(api.wsPath(matchId, ticket), { "CF-Connecting-IP": ip });
        if (res.webSocket) wrap(res.webSocket);
        return res;
      },
      101,
    );
  });

  it("ignores a client-sent CF-Connecting-IP outside the platform: rotating it does not escape the cap", async () => {
    await checkLimit("GUEST_LIMITER", () => withVars({ TRUST_CF_CONNECTING_IP: "false" }, new Request("https://edgeroom.test/api/guest", guestInit(freshAddress()))), 201);
  });
});

describe("Host allowlist", () => {
  it("answers 421 HOST_NOT_ALLOWED for a host not in ALLOWED_HOSTS, and serves the listed ones", async () => {
    const vars = { ALLOWED_HOSTS: "play.example.com, localhost:8787" };
    for (const url of ["https://evil.example.com/health", "https://play.example.com.evil.net/api/guest", "http://localhost:9999/health", "http://127.0.0.1:8787/health"]) {
      const res = await withVars(vars, new Request(url));
      expect(res.status, url).toBe(421);
      expect(await res.json()).toMatchObject({ error: { code: "HOST_NOT_ALLOWED" } });
    }
    expect((await withVars(vars, new Request("https://play.example.com/health"))).status).toBe(200);
    expect((await withVars(vars, new Request("http://localhost:8787/health"))).status).toBe(200);
    // Empty (the default): any host.
    expect((await withVars({ ALLOWED_HOSTS: "" }, new Request("https://anything.example/health"))).status).toBe(200);
  });
});

describe("token errors name no library internals", () => {
  it("says expired, bad signature, wrong audience or malformed, never a JWT class name", async () => {
    const secret = env.AUTH_SECRET ?? "";
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: "edgeroom", aud: "edgeroom:player", sub: "guest_x", name: "X", iat: now - 100, exp: now + 100 };
    const cases: [string, string][] = [
      [await sign({ ...claims, exp: now - 10 }, secret, "HS256"), "expired"],
      [await sign(claims, "another-secret-0123456789abcdef0123456789", "HS256"), "bad signature"],
      [await sign({ ...claims, aud: "edgeroom:other" }, secret, "HS256"), "wrong audience"],
      [await sign({ ...claims, nbf: now + 600 }, secret, "HS256"), "not valid yet"],
      ["abc.def.ghi", "malformed"],
      ["a".repeat(3000), "too long"],
    ];
    for (const [token, reason] of cases) {
      const res = await api.post("/api/matches", { game: "connect-four" }, token);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toBe(`Invalid player token (${reason}).`);
      expect(body.error.message).not.toMatch(/jwt/i);
    }
  });
});
