/** Reading the worker's configuration from its environment, with the checks production needs. */
import { ApiErrorCode } from "../protocol/codes";
import type { Env } from "./env";
import { readWholeNumberSetting } from "../shared/whole-number-setting";
import { ApiError } from "./errors";

export const MIN_SECRET_LENGTH = 32;

/** The signing secret, or a clear 503: production must not issue tokens without a configured secret. */
export function requireSecret(env: Env): string {
  const secret = env.AUTH_SECRET;
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    throw new ApiError(
      503,
      ApiErrorCode.SERVER_MISCONFIGURED,
      `AUTH_SECRET is not configured (or shorter than ${MIN_SECRET_LENGTH} characters). Set it with \`wrangler secret put AUTH_SECRET\`.`,
    );
  }
  return secret;
}

/** Problems an operator must fix, for /health. */
export function configProblems(env: Env): string[] {
  const problems: string[] = [];
  if (!env.AUTH_SECRET || env.AUTH_SECRET.length < MIN_SECRET_LENGTH) {
    problems.push(`AUTH_SECRET is missing or shorter than ${MIN_SECRET_LENGTH} characters; run \`wrangler secret put AUTH_SECRET\`.`);
  }
  return problems;
}

/** Loopback origins: right for `wrangler dev`, a mistake in a deployed ALLOWED_ORIGINS. */
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * Settings an operator may still want to set or fix, for /health. None of them stops the worker:
 * each names what is off (or too open) and the command that changes it.
 */
export function configNotes(env: Env): string[] {
  const notes: string[] = [];
  if (!env.OPERATOR_TOKEN) notes.push("OPERATOR_TOKEN is not set: operator endpoints (metrics, close room, remove player, revoke) are off; run `wrangler secret put OPERATOR_TOKEN` to turn them on.");
  if (!guestsAllowed(env)) notes.push('ALLOW_GUESTS is not "true": POST /api/guest is off, so players need tokens you mint with AUTH_SECRET (`npm run mint-token`).');
  const loopback = [...allowedOrigins(env)].filter((o) => LOOPBACK_ORIGIN.test(o));
  if (tokenTtlSetting(env).kind === "invalid") {
    notes.push(`TOKEN_TTL_SECONDS is ${JSON.stringify(env.TOKEN_TTL_SECONDS)}, not a whole number of seconds from 60 to 2592000 (30 days): guest tokens live the default 4 hours.`);
  }
  // Without ARCHIVE retention is off (rooms keep their storage), whatever RETENTION_MS says.
  if (env.ARCHIVE && readWholeNumberSetting(env.RETENTION_MS, 0).kind === "invalid") {
    notes.push(`RETENTION_MS is ${JSON.stringify(env.RETENTION_MS)}, not a whole number of milliseconds: closed rooms keep their storage for the default 15 minutes; set e.g. "900000".`);
  }
  if (loopback.length > 0) notes.push(`ALLOWED_ORIGINS contains development origins (${loopback.join(", ")}); list only your site's exact origins before deploying.`);
  return notes;
}

export function allowedOrigins(env: Env): Set<string> {
  return new Set(
    (env.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
  );
}

export function guestsAllowed(env: Env): boolean {
  return (env.ALLOW_GUESTS ?? "false").trim().toLowerCase() === "true";
}

/** Default player-token lifetime: one long session. Tokens cannot be recalled, so they should not outlive it by much. */
export const DEFAULT_TOKEN_TTL_SECONDS = 4 * 3600;

/** TOKEN_TTL_SECONDS as set: a whole number of seconds from 60 to 30 days. */
const tokenTtlSetting = (env: Env) => readWholeNumberSetting(env.TOKEN_TTL_SECONDS, 60, 30 * 86400);

export function tokenTtlSeconds(env: Env): number {
  const ttl = tokenTtlSetting(env);
  return ttl.kind === "value" ? ttl.value : DEFAULT_TOKEN_TTL_SECONDS;
}

/**
 * Whether CF-Connecting-IP can be believed. On Cloudflare the edge sets it (a client's own value is
 * overwritten), so the default is "true". Outside the platform (wrangler dev, self-hosted workerd)
 * nothing strips it, so `npm run dev` and the test harnesses set "false". There is no reliable
 * runtime signal instead: miniflare fabricates `request.cf` locally too.
 */
export function trustConnectingIp(env: Env): boolean {
  return (env.TRUST_CF_CONNECTING_IP ?? "true").trim().toLowerCase() !== "false";
}

/** Exact hostnames the worker serves (ALLOWED_HOSTS); empty = any host. */
export function allowedHosts(env: Env): Set<string> {
  return new Set(
    (env.ALLOWED_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0),
  );
}
