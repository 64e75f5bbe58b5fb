/**
 * Per-client limits at the edge, before any work a client could make expensive: guest creation,
 * match creation, ticket minting, upgrades, queue joins, join-code lookups and room directory reads.
 * Each uses a Workers Rate Limiting binding keyed by client address; a missing binding (a deployment
 * that removed it) means no limit, not an error.
 */
import type { Context } from "hono";
import { ApiErrorCode } from "../protocol/codes";
import { logEvent } from "../shared/log";
import { clientAddress } from "./auth";
import type { AppEnv, Env } from "./env";
import { ApiError } from "./errors";

export type LimitName = "GUEST_LIMITER" | "MATCH_LIMITER" | "TICKET_LIMITER" | "UPGRADE_LIMITER" | "QUEUE_LIMITER" | "CODE_LIMITER" | "ROOMS_LIMITER";

/** The period of each binding in wrangler.toml, for Retry-After (the binding does not report it). */
export const LIMIT_PERIOD_SECONDS: Readonly<Record<LimitName, number>> = {
  GUEST_LIMITER: 60,
  MATCH_LIMITER: 60,
  TICKET_LIMITER: 60,
  UPGRADE_LIMITER: 10,
  QUEUE_LIMITER: 10,
  CODE_LIMITER: 60,
  ROOMS_LIMITER: 60,
};

const WHAT: Readonly<Record<LimitName, string>> = {
  GUEST_LIMITER: "guest identities",
  MATCH_LIMITER: "new matches",
  TICKET_LIMITER: "join tickets",
  UPGRADE_LIMITER: "connection attempts",
  QUEUE_LIMITER: "queue joins",
  CODE_LIMITER: "join-code lookups",
  ROOMS_LIMITER: "room directory reads",
};

/** Throws 429 RATE_LIMITED with Retry-After when this client is over the named limit. */
export async function enforceLimit(c: Context<AppEnv>, name: LimitName, fields: Record<string, unknown> = {}): Promise<void> {
  const limiter = (c.env as Env)[name];
  if (!limiter) return;
  const address = clientAddress(c);
  const { success } = await limiter.limit({ key: address });
  if (success) return;
  logEvent("warn", "rate_limited", { limit: name, path: c.req.path, ...fields });
  const period = LIMIT_PERIOD_SECONDS[name];
  throw new ApiError(429, ApiErrorCode.RATE_LIMITED, `Too many ${WHAT[name]} from this address; retry in ${period} seconds.`, { "Retry-After": String(period) });
}
