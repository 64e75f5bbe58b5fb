/**
 * Origin check for browser requests: exact match against the allowlist (no
 * substring or suffix matching), plus the worker's own origin, which serves
 * the bundled web client. Requests without an Origin header come from
 * non-browser clients, which could forge one anyway; they are let through.
 */
import type { Context } from "hono";
import { ApiErrorCode } from "../protocol/codes";
import { allowedOrigins } from "./config";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

export function checkOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("Origin");
  if (origin === undefined) return;
  if (origin === new URL(c.req.url).origin) return;
  if (allowedOrigins(c.env).has(origin)) return;
  throw new ApiError(403, ApiErrorCode.FORBIDDEN_ORIGIN, "This origin is not allowed to connect.");
}
