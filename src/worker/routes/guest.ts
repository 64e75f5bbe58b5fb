/** POST /api/guest: a guest identity and player token, when ALLOW_GUESTS is "true". */
import { Hono } from "hono";
import { ApiErrorCode } from "../../protocol/codes";
import { logEvent } from "../../shared/log";
import { guestsAllowed, requireSecret, tokenTtlSeconds } from "../config";
import type { AppEnv } from "../env";
import { jsonBody } from "../body";
import { ApiError } from "../errors";
import { randomId, signPlayerToken } from "../tokens";
import { GuestRequest } from "../../protocol/http-api";
import { enforceLimit } from "../rate-limit";

export const guest = new Hono<AppEnv>().post("/api/guest", async (c) => {
  if (!guestsAllowed(c.env)) throw new ApiError(403, ApiErrorCode.GUESTS_DISABLED, "Guest access is turned off on this server.");
  const secret = requireSecret(c.env);
  const body = await jsonBody(c, GuestRequest);
  // After validation, so a malformed request does not spend the caller's budget.
  await enforceLimit(c, "GUEST_LIMITER");
  const playerId = `guest_${randomId(12)}`;
  const name = body.name ?? `Guest ${playerId.slice(6, 10)}`;
  const { token, exp } = await signPlayerToken(secret, { playerId, name }, tokenTtlSeconds(c.env));
  logEvent("info", "guest_created", { playerId });
  return c.json({ playerId, name, token, expiresAt: exp * 1000 }, 201);
});
