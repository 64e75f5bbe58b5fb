/** HMAC keys cached per secret (src/worker/tokens.ts `hmacKey`): one isolate, several secrets, never mixed up. */
import { describe, expect, it } from "vitest";
import { isGenuineMatchId, newMatchId } from "../../src/worker/match-id";
import { signPlayerToken, signTicket, verifyPlayerToken, verifyTicket } from "../../src/worker/tokens";

const A = "secret-a-0123456789abcdef0123456789";
const B = "secret-b-0123456789abcdef0123456789";
const player = { playerId: "p1", name: "Ada" };

describe("signing keys cached per secret", () => {
  it("verifies a token or ticket only under the secret it was signed with, whichever secret was used first", async () => {
    for (const [mine, other] of [
      [A, B],
      [B, A],
    ] as const) {
      const { token } = await signPlayerToken(mine, player, 60);
      expect(await verifyPlayerToken(mine, token)).toMatchObject({ ok: true, value: { playerId: "p1" } });
      expect(await verifyPlayerToken(other, token)).toEqual({ ok: false, reason: "bad signature" });
      const matchId = await newMatchId(mine);
      const { ticket } = await signTicket(mine, matchId, player, "player");
      expect(await verifyTicket(mine, ticket, matchId)).toMatchObject({ ok: true });
      expect(await verifyTicket(other, ticket, matchId)).toEqual({ ok: false, reason: "bad signature" });
      expect(await isGenuineMatchId(mine, matchId)).toBe(true);
      expect(await isGenuineMatchId(other, matchId)).toBe(false);
    }
  });

  it("keeps match-id tags apart from token signatures under the same secret", async () => {
    // A match id's tag is an HMAC under "match-id:<secret>", not under the token key: the same
    // random bytes tagged with the token key must not pass as a genuine match id.
    const id = await newMatchId(A);
    const bytes = Uint8Array.from(atob(id.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(A), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const tag = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes.subarray(0, 16))).subarray(0, 8);
    const forged = new Uint8Array(24);
    forged.set(bytes.subarray(0, 16));
    forged.set(tag, 16);
    const forgedId = btoa(String.fromCharCode(...forged)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(await isGenuineMatchId(A, forgedId)).toBe(false);
  });
});
