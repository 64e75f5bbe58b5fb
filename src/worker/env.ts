/** Bindings and variables of the worker (see wrangler.toml and the README's configuration reference). */
import type { GameRegistry } from "../games/registry";
import type { RoomHost } from "../room/host/room-object";
import type { PlayerRecord } from "./player-record";

export interface Env {
  ROOMS: DurableObjectNamespace<RoomHost>;
  /** Per-player records (token revocation, matches joined). Optional: without it, revocation is off. */
  PLAYERS?: DurableObjectNamespace<PlayerRecord>;
  /** Workers Rate Limiting bindings, each keyed by client address (see clientAddress in auth.ts). */
  UPGRADE_LIMITER?: RateLimit;
  GUEST_LIMITER?: RateLimit;
  MATCH_LIMITER?: RateLimit;
  TICKET_LIMITER?: RateLimit;
  /** Static assets (web/). */
  ASSETS?: Fetcher;
  /** HMAC secret for tokens, tickets and match ids; at least 32 characters. */
  AUTH_SECRET?: string;
  /** Comma-separated exact origins allowed to open WebSockets and call the API from browsers. */
  ALLOWED_ORIGINS?: string;
  /** "true" enables POST /api/guest. */
  ALLOW_GUESTS?: string;
  /** Bearer token for operator endpoints (GET /api/matches/:id/metrics); unset turns them off. */
  OPERATOR_TOKEN?: string;
  /** Lifetime of guest tokens in seconds. */
  TOKEN_TTL_SECONDS?: string;
  /** "true" (the default) on Cloudflare, where the edge sets CF-Connecting-IP; "false" elsewhere, where a client could. */
  TRUST_CF_CONNECTING_IP?: string;
  /** Comma-separated exact hostnames the worker answers for; empty = any. */
  ALLOWED_HOSTS?: string;
}

/** Hono context: the bindings, and the games this deployment hosts. */
export type AppEnv = { Bindings: Env; Variables: { games: GameRegistry } };
