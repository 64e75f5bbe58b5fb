/**
 * What a plain `wrangler deploy` ships: wrangler.toml's [vars] (PRODUCTION_VARS,
 * see vitest.config.ts) plus only the secret an operator must set. The real
 * app runs in workerd with exactly that environment: no localhost origin is
 * allowed, guests are off, and /health names what is still unset.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { appGames } from "../support/app-games";
import { createApp } from "../../src/worker/app";
import type { Env } from "../../src/worker/env";
import { api } from "./helpers";

const LOCALHOST = "http://localhost:8787";
const productionVars = JSON.parse(env.PRODUCTION_VARS) as Record<string, string>;

/** Bindings from wrangler.toml, its [vars], and the one secret `wrangler secret put AUTH_SECRET` adds. */
function productionEnv(over: Partial<Env> = {}): Env {
  return { ROOMS: env.ROOMS, UPGRADE_LIMITER: env.UPGRADE_LIMITER, AUTH_SECRET: env.AUTH_SECRET, ...productionVars, ...over };
}

describe("the production configuration (wrangler.toml [vars])", () => {
  const app = createApp(appGames);

  it("lists no loopback origin and leaves guests off", () => {
    expect(productionVars["ALLOWED_ORIGINS"] ?? "").not.toMatch(/localhost|127\.0\.0\.1|\[::1\]/);
    expect(productionVars["ALLOW_GUESTS"] ?? "false").not.toBe("true");
  });

  it("refuses a WebSocket upgrade from a localhost origin, even with a valid ticket", async () => {
    const alice = await api.guest("Alice");
    const matchId = await api.createMatch(alice.token, { game: "connect-four" });
    const { url } = await api.ticket(alice.token, matchId);
    const { pathname, search } = new URL(url);
    const res = await app.request(pathname + search, { headers: { Upgrade: "websocket", Origin: LOCALHOST } }, productionEnv());
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "FORBIDDEN_ORIGIN" } });
  });

  it("gives a localhost page no CORS access, which a development origin list would", async () => {
    const preflight = (e: Env) =>
      app.request("/api/matches", { method: "OPTIONS", headers: { Origin: LOCALHOST, "Access-Control-Request-Method": "POST" } }, e);
    expect((await preflight(productionEnv())).headers.get("Access-Control-Allow-Origin")).toBeNull();
    // The contrast that shows the check can fail: the development value allows it.
    expect((await preflight(productionEnv({ ALLOWED_ORIGINS: LOCALHOST }))).headers.get("Access-Control-Allow-Origin")).toBe(LOCALHOST);
  });

  it("turns guests off", async () => {
    const res = await app.request("/api/guest", { method: "POST", body: "{}" }, productionEnv());
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "GUESTS_DISABLED" } });
  });

  it("makes /health name what an operator still has to set", async () => {
    const bare = await app.request("/health", {}, productionEnv({ AUTH_SECRET: undefined }));
    expect(bare.status).toBe(503);
    const bareBody = (await bare.json()) as { problems: string[]; notes: string[] };
    expect(bareBody.problems.join("\n")).toMatch(/AUTH_SECRET/);
    expect(bareBody.notes.join("\n")).toMatch(/OPERATOR_TOKEN/);

    const withSecret = await app.request("/health", {}, productionEnv());
    expect(withSecret.status).toBe(200);
    const body = (await withSecret.json()) as { status: string; notes: string[] };
    expect(body.status).toBe("ok");
    expect(body.notes.join("\n")).toMatch(/OPERATOR_TOKEN is not set/);
    expect(body.notes.join("\n")).toMatch(/ALLOW_GUESTS is not "true"/);

    const devOrigins = await app.request("/health", {}, productionEnv({ ALLOWED_ORIGINS: `https://play.example.com,${LOCALHOST}` }));
    expect(((await devOrigins.json()) as { notes: string[] }).notes.join("\n")).toMatch(/development origins \(http:\/\/localhost:8787\)/);
  });

  it("makes /health name a RETENTION_MS that is not a whole number of milliseconds, and says nothing of a good or blank one or without ARCHIVE", async () => {
    const notesWith = async (value: string, withArchive = true) =>
      ((await (await app.request("/health", {}, productionEnv({ RETENTION_MS: value, ...(withArchive ? { ARCHIVE: env.ARCHIVE } : {}) }))).json()) as { notes: string[] }).notes.join("\n");
    expect(env.ARCHIVE).toBeDefined();
    expect(await notesWith("15 minutes", false)).not.toMatch(/RETENTION_MS/);
    expect(await notesWith("15 minutes")).toMatch(/RETENTION_MS is "15 minutes", not a whole number of milliseconds: closed rooms keep their storage for the default 15 minutes/);
    expect(await notesWith("-1")).toMatch(/RETENTION_MS is "-1"/);
    expect(await notesWith("900000")).not.toMatch(/RETENTION_MS/);
    expect(await notesWith("")).not.toMatch(/RETENTION_MS/);
  });

  it("makes /health name a TOKEN_TTL_SECONDS outside 60 s to 30 days, and says nothing of a good or blank one", async () => {
    const notesWith = async (value: string) => ((await (await app.request("/health", {}, productionEnv({ TOKEN_TTL_SECONDS: value }))).json()) as { notes: string[] }).notes.join("\n");
    expect(await notesWith("30")).toMatch(/TOKEN_TTL_SECONDS is "30", not a whole number of seconds from 60 to 2592000 \(30 days\): guest tokens live the default 4 hours/);
    expect(await notesWith("a day")).toMatch(/TOKEN_TTL_SECONDS is "a day"/);
    expect(await notesWith("86400")).not.toMatch(/TOKEN_TTL_SECONDS/);
    expect(await notesWith(" ")).not.toMatch(/TOKEN_TTL_SECONDS/);
  });
});
