import { describe, expect, it } from "vitest";
import { api, twoPlayerMatch } from "./helpers";

const TOKEN = "test-operator-token-0123456789abcdef";
const metrics = (matchId: string, authorization?: string) =>
  api.fetch(`${api.base}/api/matches/${matchId}/metrics`, { headers: authorization ? { Authorization: authorization } : {} });

describe("operator metrics endpoint", () => {
  it("returns a live room's billable-operation counters to the operator token", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 3 } });
    await a.next("ack", (x) => x.id === 1);
    const res = await metrics(matchId, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { matchId: string; counters: Record<string, number> };
    expect(body.matchId).toBe(matchId);
    expect(body.counters.messages).toBeGreaterThanOrEqual(1);
    expect(body.counters.storageWrites).toBeGreaterThanOrEqual(1);
    for (const key of ["alarmWrites", "alarmRuns", "rowsWritten", "awakeMs", "steps", "droppedSteps"]) {
      expect(typeof body.counters[key]).toBe("number");
    }
    a.close();
    b.close();
  });

  it("refuses a missing or wrong operator token with 401 and a JSON error", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    for (const auth of [undefined, "Bearer wrong-token-0123456789abcdef0000", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await metrics(matchId, auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
    a.close();
    b.close();
  });

  it("answers 404 for an unknown match and 405 for another method", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    const other = `${matchId.slice(0, -1)}${matchId.endsWith("A") ? "B" : "A"}`;
    expect((await metrics(other, `Bearer ${TOKEN}`)).status).toBe(404);
    const post = await api.fetch(`${api.base}/api/matches/${matchId}/metrics`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
    a.close();
    b.close();
  });
});
