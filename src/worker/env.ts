/** Bindings and variables of the worker (see wrangler.toml and the README's configuration reference). */
import type { GameRegistry } from "../games/registry";
import type { RoomHost } from "../room/host/room-object";
import type { CodeObject } from "../matchmaking/code-object";
import type { QueueObject } from "../matchmaking/queue-object";
import type { RatingsObject } from "../matchmaking/ratings-object";
import type { PlayerRecord } from "./player-record";
import type { RoomIndexObject } from "../directory/room-index-object";

export interface Env {
  ROOMS: DurableObjectNamespace<RoomHost>;
  /** Per-player records (token revocation, matches joined). Optional: without it, revocation is off. */
  PLAYERS?: DurableObjectNamespace<PlayerRecord>;
  /** Matchmaking queues, one object per game, mode, seats and shard (optional: without it /api/queue answers 503). */
  QUEUES?: DurableObjectNamespace<QueueObject>;
  /** The ratings store (one object, "global"). */
  RATINGS?: DurableObjectNamespace<RatingsObject>;
  /** Private-match join codes, one object per code. */
  CODES?: DurableObjectNamespace<CodeObject>;
  /** The room index behind GET /api/rooms and GET /api/admin/rooms (one object, "global"); without it the directory answers 503 and rooms do not report. */
  ROOM_INDEX?: DurableObjectNamespace<RoomIndexObject>;
  /** Rate Limiting bindings: queue joins and code lookups per client address. */
  QUEUE_LIMITER?: RateLimit;
  CODE_LIMITER?: RateLimit;
  ROOMS_LIMITER?: RateLimit;
  /** Default wait before a turn-based queue offers an AI, in ms ("off" never offers one). Default 20000. */
  QUEUE_AI_AFTER_MS?: string;
  /** Real-time queues start with whoever is waiting once the first has waited this long, in ms. Default 5000. */
  QUEUE_READY_MS?: string;
  /** Workers Rate Limiting bindings, each keyed by client address (see clientAddress in auth.ts). */
  UPGRADE_LIMITER?: RateLimit;
  GUEST_LIMITER?: RateLimit;
  MATCH_LIMITER?: RateLimit;
  TICKET_LIMITER?: RateLimit;
  /** R2 bucket of archived replays (retention): closed rooms write theirs here before deleting their storage. Without it rooms keep their storage. */
  ARCHIVE?: R2Bucket;
  /** How long a closed room keeps its storage before archiving its replay and deleting it, in ms. Default 900000 (15 minutes). */
  RETENTION_MS?: string;
  /** Static assets (web/). */
  ASSETS?: Fetcher;
  /** HMAC secret for tokens, tickets and match ids; at least 32 characters. */
  AUTH_SECRET?: string;
  /** Comma-separated exact origins allowed to open WebSockets and call the API from browsers. */
  ALLOWED_ORIGINS?: string;
  /** "true" enables POST /api/guest. */
  ALLOW_GUESTS?: string;
  /** Bearer token for operator endpoints (metrics, room close, player removal, revocation); unset turns them off. */
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
