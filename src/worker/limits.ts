/** Per-client caps on the doors anyone can knock on (queue joins, code lookups): Workers Rate Limiting bindings. */
import type { Context } from "hono";
import { ApiErrorCode } from "../protocol/codes";
import { logEvent } from "../shared/log";
import { clientAddress } from "./auth";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/** Throws 429 RATE_LIMITED with Retry-After when this client's address is over `limiter`'s cap (no binding: no cap). */
export async function limitByAddress(c: Context<AppEnv>, limiter: RateLimit | undefined, door: string, periodSeconds: number): Promise<void> {
  if (!limiter) return;
  const address = clientAddress(c);
  const { success } = await limiter.limit({ key: `${door}|${address}` });
  if (success) return;
  logEvent("warn", "rate_limited", { door });
  throw new ApiError(429, ApiErrorCode.RATE_LIMITED, `Too many ${door} requests from this address; retry in ${periodSeconds} s.`, { "Retry-After": String(periodSeconds) });
}
