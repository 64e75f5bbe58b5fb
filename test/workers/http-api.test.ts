import { appGames } from "../support/app-games";
import { env, listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api } from "./helpers";
import { httpAnswers } from "../../src/protocol/http-answers";
import { createApp } from "../../src/worker/app";

describe("HTTP API", () => {
  it("reports health as ok when the secret is configured", async () => {
    const res = await api.fetch(`${api.base}/health`);
    expect(res.status).toBe(200);
    // The test environment sets every optional setting too, so there is nothing left to note.
    expect(await res.json()).toEqual({ status: "ok", notes: [] });
  });

  it("issues a guest identity with a token", async () => {
    const g = await api.guest("Alice");
    expect(g.name).toBe("Alice");
    expect(g.playerId).toMatch(/^guest_/);
    expect(g.token.split(".")).toHaveLength(3);
  });

  it("rejects a guest name with control characters with a JSON 400", async () => {
    const res = await api.post("/api/guest", { name: "bad\u0007name" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
  });

  it("rejects a body that is not JSON", async () => {
    const res = await api.fetch(`${api.base}/api/guest`, { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST", message: "Request body is not valid JSON." } });
  });

  it("answers a wrong method with 405 and an Allow header", async () => {
    const res = await api.fetch(`${api.base}/api/guest`, { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect(await res.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
    // Paths with parameters, and two documented paths that overlap: the first documented one answers.
    for (const [method, path, allow] of [
      ["PUT", "/api/matches/abc", "GET"],
      ["GET", "/api/matches/abc/send", "POST"],
      ["POST", "/api/queue/ws", "GET"],
      ["GET", "/api/queue/some-entry", "DELETE"],
      ["DELETE", "/api/admin/rooms/abc/players/p1/remove", "POST"],
    ] as const) {
      const wrong = await api.fetch(`${api.base}${path}`, { method });
      expect(wrong.status, `${method} ${path}`).toBe(405);
      expect(wrong.headers.get("Allow"), `${method} ${path}`).toBe(allow);
    }
    const preflight = await api.fetch(`${api.base}/api/queue`, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    for (const path of ["/api/nothing", "/api/matches/abc/nothing", "/api/openapi-json"]) {
      const missing = await api.fetch(`${api.base}${path}`);
      expect(missing.status, path).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });

  it("routes with Hono's RegExpRouter (the trie fallback cost a measurable share of every request)", async () => {
    const app = createApp(appGames);
    await app.request("https://edgeroom.test/health", {}, env);
    expect(app.router.name).toBe("SmartRouter + RegExpRouter");
  });

  it("lists every game of the app's list, in its order, with what a lobby needs to offer it", async () => {
    const res = await api.fetch(`${api.base}/api/games`);
    expect(res.status).toBe(200);
    const { games } = httpAnswers().GamesResponse.parse(await res.json());
    expect(games.map((g) => g.id)).toEqual(appGames.ids);
    for (const g of games) {
      const game = appGames.find(g.id);
      expect(g).toMatchObject({ title: game?.title, seats: game?.seats, kind: game?.kind, aiLevels: game?.ai?.levels ?? [] });
      expect(g.defaults.readyTimeoutMs === null).toBe(g.kind === "turn-based");
    }
  });

  it("requires a player token to create a match", async () => {
    const res = await api.post("/api/matches", { game: "connect-four" });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  it("creates a match with an unguessable id and reports its public status", async () => {
    const g = await api.guest("Alice");
    const matchId = await api.createMatch(g.token, { game: "connect-four", mode: "ai", aiLevel: "easy" });
    expect(matchId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const res = await api.status(matchId);
    expect(res.status).toBe(200);
    const status = (await res.json()) as Record<string, unknown>;
    expect(status).toMatchObject({ matchId, game: "connect-four", mode: "ai", status: "waiting", round: 0, result: null });
    expect(status["seats"]).toEqual([
      { seat: 0, name: "Alice", kind: "human", claimed: true, connected: false },
      { seat: 1, name: "AI (easy)", kind: "ai", claimed: true, connected: true },
    ]);
  });

  it("refuses an unknown game or bad options with 400 and creates nothing", async () => {
    const g = await api.guest("Alice");
    const before = (await listDurableObjectIds(env.ROOMS)).length;
    for (const body of [{ game: "chess" }, { game: "connect-four", seats: 3 }, { game: "connect-four", turnMs: 5 }, { game: "connect-four", extra: 1 }]) {
      const res = await api.post("/api/matches", body, g.token);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    }
    expect((await listDurableObjectIds(env.ROOMS)).length).toBe(before);
  });

  it("answers 404 for a malformed or forged match id without creating a room", async () => {
    const before = (await listDurableObjectIds(env.ROOMS)).length;
    for (const id of ["short", "A".repeat(32), "B".repeat(32)]) {
      expect((await api.status(id)).status).toBe(404);
    }
    expect((await listDurableObjectIds(env.ROOMS)).length).toBe(before);
  });

  it("refuses to issue tokens and says why when the secret is missing", async () => {
    const { createApp } = await import("../../src/worker/app");
    const app = createApp(appGames);
    const res = await app.request("/api/guest", { method: "POST", body: "{}" }, { ...env, AUTH_SECRET: undefined });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "SERVER_MISCONFIGURED", message: expect.stringContaining("wrangler secret put AUTH_SECRET") } });
    const health = await app.request("/health", {}, { ...env, AUTH_SECRET: undefined });
    expect(health.status).toBe(503);
  });

  it("turns guest access off by configuration", async () => {
    const { createApp } = await import("../../src/worker/app");
    const res = await createApp(appGames).request("/api/guest", { method: "POST", body: "{}" }, { ...env, ALLOW_GUESTS: "false" });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "GUESTS_DISABLED" } });
  });
});
