/** Private matches by join code: creation, lookup, expiry with the match, bad codes and the per-address cap. */
import { describe, expect, it } from "vitest";
import { SELF, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expectFixedWindowCap } from "../support/fixed-window";
import { api } from "./helpers";
import { freshAddress } from "./queue-helpers";

const lookup = (code: string, ip = freshAddress()) => SELF.fetch(`${api.base}/api/codes/${code}`, { headers: { "CF-Connecting-IP": ip } });

async function privateMatch() {
  const host = await api.guest("Host");
  const res = await api.post("/api/matches", { game: "connect-four", private: true }, host.token);
  expect(res.status).toBe(201);
  return (await res.json()) as { matchId: string; code: string };
}

describe("join codes", () => {
  it("a private match gets a 6-character code that resolves to it (any letter case); a public one gets none", async () => {
    const { matchId, code } = await privateMatch();
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    const res = await lookup(code);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code, matchId });
    expect(await (await lookup(code.toLowerCase())).json()).toEqual({ code, matchId });
    const pub = await api.post("/api/matches", { game: "connect-four" }, (await api.guest("Pub")).token);
    expect(await pub.json()).not.toHaveProperty("code");
  });

  it("a code expires with its match: once the room closes, the code answers 404", async () => {
    const { matchId, code } = await privateMatch();
    const room = env.ROOMS.get(env.ROOMS.idFromName(matchId));
    // Stand in for the passage of time: the waiting room's abandonment deadline is now, and its alarm closes it.
    await runInDurableObject(room, (o: object) => {
      const core = (o as { core: { record: { cleanupAt: number | null; readyDeadline: number | null } } }).core;
      core.record.cleanupAt = Date.now();
    });
    await runDurableObjectAlarm(room);
    expect(((await (await api.status(matchId)).json()) as { status: string }).status).toBe("closed");
    const res = await lookup(code);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("refuses malformed codes with 400 and unknown ones with 404", async () => {
    for (const bad of ["ABC", "ABCDEFG", "ABCD0O", "AB-CDE"]) {
      const res = await lookup(bad);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
    }
    expect((await lookup("ZZZZZZ")).status).toBe(404);
  });

  it("refuses a non-boolean private flag", async () => {
    const res = await api.post("/api/matches", { game: "connect-four", private: "yes" }, (await api.guest("P")).token);
    expect(res.status).toBe(400);
  });

  it("caps lookups per address: 429 with Retry-After beyond 20 a minute", async () => {
    // An unknown code is 404 until the cap; exactly the binding's fixed windows (test/support/fixed-window.ts).
    await expectFixedWindowCap(20, 60, 404, () => lookup("ZZZZZZ", "203.0.113.42"));
  });
});
