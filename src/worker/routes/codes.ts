/**
 * Private-match join codes: `claimCode` gives a new private match a 6-character code (POST /api/matches
 * with `private: true`); GET /api/codes/:code resolves one to its match id while the match is open. A
 * code whose match is closed or gone is released on lookup and answers 404, so codes expire with
 * their match. Lookups are capped per client address: 30^6 codes are too few to leave open to guessing.
 */
import { Hono } from "hono";
import * as z from "zod";
import { ApiErrorCode } from "../../protocol/codes";
import { MatchStatus } from "../../protocol/schemas";
import { CODE_ALPHABET, JoinCode } from "../../protocol/matchmaking-api";
import type { AppEnv, Env } from "../env";
import { ApiError, badRequest, notFound } from "../errors";
import { enforceLimit } from "../rate-limit";

/** The one field of the room's public status a lookup reads. */
const StatusField = z.object({ status: MatchStatus });

/** Attempts at drawing an unused code; with ~7×10⁸ codes a collision is rare, five in a row is an outage. */
const CODE_DRAWS = 5;

function codes(env: Env) {
  if (!env.CODES) throw new ApiError(503, ApiErrorCode.SERVER_MISCONFIGURED, "Join codes are not configured (no CODES Durable Object binding).");
  return env.CODES;
}

function randomCode(): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet size).
  let code = "";
  while (code.length < 6) {
    for (const b of crypto.getRandomValues(new Uint8Array(8))) {
      if (b < 256 - (256 % CODE_ALPHABET.length) && code.length < 6) code += CODE_ALPHABET[b % CODE_ALPHABET.length];
    }
  }
  return code;
}

export async function claimCode(env: Env, matchId: string): Promise<string> {
  const ns = codes(env);
  for (let i = 0; i < CODE_DRAWS; i++) {
    const code = randomCode();
    if (await ns.get(ns.idFromName(`code:${code}`)).claim(matchId)) return code;
  }
  throw new ApiError(503, ApiErrorCode.INTERNAL, "Could not allocate a join code; try again.");
}

export const codesRoute = new Hono<AppEnv>().get("/api/codes/:code", async (c) => {
  await enforceLimit(c, "CODE_LIMITER");
  const code = JoinCode.safeParse((c.req.param("code") ?? "").toUpperCase());
  if (!code.success) throw badRequest(`Invalid join code: 6 characters of ${CODE_ALPHABET}.`);
  const ns = codes(c.env);
  const holder = ns.get(ns.idFromName(`code:${code.data}`));
  const matchId = await holder.resolve();
  if (matchId === null) throw notFound("No match has this code (wrong, or the match is over).");
  const status = await c.env.ROOMS.get(c.env.ROOMS.idFromName(matchId)).status();
  const closed = status === null || StatusField.safeParse(JSON.parse(status)).data?.status === "closed";
  if (closed) {
    await holder.release();
    throw notFound("No match has this code (wrong, or the match is over).");
  }
  return c.json({ code: code.data, matchId });
});
