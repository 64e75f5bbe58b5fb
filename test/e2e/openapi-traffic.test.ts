/**
 * Every HTTP exchange of a whole session against the worker (guests, a
 * match played to a win over real sockets, status, tickets, replay, operator
 * metrics, and the documented refusals) is recorded and checked against the
 * OpenAPI document the same worker serves at /api/openapi.json.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, type Guest } from "../support/api";
import { openNodeSocket } from "../support/node-socket";
import { checkExchange, recordingFetch, type Exchange, type OpenApiDoc } from "../support/openapi-check";
import { startWorker, type WorkerServer } from "../support/worker-server";

const OPERATOR_TOKEN = "e2e-operator-token-0123456789abcdef";
let server: WorkerServer;
const log: Exchange[] = [];
let api: Api;

beforeAll(async () => {
  server = await startWorker({ vars: { OPERATOR_TOKEN } });
  api = new Api(recordingFetch((i, init) => fetch(i, init), log), server.base);
});
afterAll(async () => {
  await server?.stop();
});

describe("recorded traffic against the served OpenAPI document", () => {
  it("matches the document for every exchange of a whole session, successes and refusals", async () => {
    const get = (path: string, headers: Record<string, string> = {}) => api.fetch(`${server.base}${path}`, { headers });
    await get("/health");
    await get("/api/games");
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", turnMs: 0 });
    // A public match nobody joins: the directory pages below have a room in them to validate (its report is sent at creation).
    await api.createMatch(bob.token, { game: "connect-four" });
    await api.status(matchId);
    expect((await get(`/api/matches/${matchId}/replay`)).status).toBe(409);
    const join = async (g: Guest) => openNodeSocket((await api.ticket(g.token, matchId)).url);
    const a = await join(alice);
    await a.next("welcome");
    const b = await join(bob);
    await b.next("welcome");
    await a.nextEvent("matchStarted");
    const moves = [3, 4, 3, 4, 3, 4, 3];
    for (let i = 0; i < moves.length; i++) {
      const s = i % 2 === 0 ? a : b;
      s.send({ t: "input", id: i + 1, data: { type: "dropDisc", column: moves[i] ?? 0 } });
      await s.next("ack", (x) => x.id === i + 1);
    }
    await b.nextEvent("matchEnded");
    a.close();
    b.close();
    expect((await api.status(matchId)).status).toBe(200);
    expect((await get(`/api/matches/${matchId}/replay`)).status).toBe(200);
    expect((await get(`/api/matches/${matchId}/metrics`, { Authorization: `Bearer ${OPERATOR_TOKEN}` })).status).toBe(200);
    // Refusals, each with its documented status and error body.
    expect((await get(`/api/matches/${matchId}/metrics`)).status).toBe(401);
    expect((await api.status("not-a-real-match-id")).status).toBe(404);
    // Without a body: the worker refuses before reading one, and local workerd then resets the kept-alive
    // connection (measured here: the next request on it failed with ECONNRESET about one run in three).
    expect((await api.fetch(`${server.base}/api/matches`, { method: "POST" })).status).toBe(401);
    expect((await api.post("/api/matches", { game: "chess" }, alice.token)).status).toBe(400);
    expect((await api.post("/api/guest", { name: "x".repeat(40) })).status).toBe(400);
    expect((await api.post(`/api/matches/${matchId}/ticket`, { role: "referee" }, alice.token)).status).toBe(400);
    expect((await get(`/api/matches/${matchId}/ws`)).status).toBe(426);
    expect((await get(`/api/matches/${matchId}/sse?v=1`)).status).toBe(401);
    // The room directory: a page, the operator list, and their refusals.
    expect((await get("/api/rooms?game=connect-four&limit=5")).status).toBe(200);
    expect((await get("/api/admin/rooms?limit=5", { Authorization: `Bearer ${OPERATOR_TOKEN}` })).status).toBe(200);
    expect((await get("/api/admin/rooms")).status).toBe(401);
    expect((await get("/api/rooms?limit=0")).status).toBe(400);
    await get("/api/openapi.json");

    const doc = (await (await fetch(`${server.base}/api/openapi.json`)).json()) as OpenApiDoc;
    const problems = log.flatMap((ex) => checkExchange(doc, ex));
    const operations = new Set(log.map((ex) => `${ex.method} ${ex.path.replace(matchId, "{id}")} ${ex.status}`));
    console.log(`openapi-traffic: ${log.length} exchanges, ${operations.size} distinct operation/status pairs, ${problems.length} problems`);
    expect(problems).toEqual([]);
    expect(log.length).toBeGreaterThanOrEqual(20);
    expect(operations.size).toBeGreaterThanOrEqual(15);
  });
});
