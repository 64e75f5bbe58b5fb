/** Operator revocation of a player's tokens: refused at the next ticket and match, and open sockets closed. */
import { describe, expect, it } from "vitest";
import { api, join, twoPlayerMatch } from "./helpers";

const TOKEN = "test-operator-token-0123456789abcdef";
const revoke = (playerId: string, authorization = `Bearer ${TOKEN}`) =>
  api.fetch(`${api.base}/api/players/${encodeURIComponent(playerId)}/revoke`, { method: "POST", headers: { Authorization: authorization } });

describe("player revocation", () => {
  it("closes the player's open sockets with 4009 and refuses its tokens from then on; others play on", async () => {
    const { alice, bob, matchId, a, b } = await twoPlayerMatch();
    // Refused without the operator token, or for a malformed id: nothing is revoked.
    expect((await revoke(alice.playerId, "Bearer wrong-token-wrong-token-wrong")).status).toBe(401);
    const bad = await revoke("no spaces allowed");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect((await api.post(`/api/matches/${matchId}/ticket`, {}, alice.token)).status).toBe(200);

    const res = await revoke(alice.playerId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ playerId: alice.playerId, rooms: 1, closed: 1 });
    expect(await a.closed).toMatchObject({ code: 4009 });
    await b.nextEvent("playerDisconnected");

    for (const [path, body] of [[`/api/matches/${matchId}/ticket`, {}], ["/api/matches", { game: "connect-four" }]] as const) {
      const refused = await api.post(path, body, alice.token);
      expect(refused.status, path).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: "UNAUTHORIZED", message: "Invalid player token (revoked)." } });
    }
    // Bob is untouched.
    const again = await join(bob, matchId);
    await again.next("welcome");
    expect((await revoke("never-seen-player")).status).toBe(200);
  });
});
