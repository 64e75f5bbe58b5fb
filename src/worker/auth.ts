/** Request-level authentication helpers: the Bearer player token and the genuine-match-id check. */
import type { Context } from "hono";
import { requireSecret, trustConnectingIp } from "./config";
import type { AppEnv } from "./env";
import { ApiError, notFound, unauthorized } from "./errors";
import { ApiErrorCode } from "../protocol/codes";
import { isGenuineMatchId } from "./match-id";
import { playerRecord } from "./player-record";
import { verifyPlayerToken, type Player } from "./tokens";

/** A verified player token's player, and when the token was issued (seconds; 0 when it does not say). */
export type AuthedPlayer = Player & { readonly iat: number };

/**
 * The verified player of a Bearer token, refused when the operator revoked it. With `ticketFor`, the
 * same call records the match in the player's record (a later revocation then reaches its room).
 */
export async function requirePlayer(c: Context<AppEnv>, ticketFor?: string, token = bearerToken(c)): Promise<AuthedPlayer> {
  const secret = requireSecret(c.env);
  if (token === null) throw unauthorized("Send a player token as `Authorization: Bearer <token>`.");
  const verified = await verifyPlayerToken(secret, token);
  if (!verified.ok) throw unauthorized(`Invalid player token (${verified.reason}).`);
  const { playerId, name, iat } = verified.value;
  const players = c.env.PLAYERS;
  if (players) {
    const record = playerRecord(players, playerId);
    const answer = ticketFor === undefined ? { revoked: await record.isRevoked(playerId, iat) } : await record.ticket(playerId, iat, ticketFor, Math.floor(Date.now() / 1000));
    if (answer.revoked) throw unauthorized("Invalid player token (revoked).");
    if ("removed" in answer && answer.removed === true) throw new ApiError(403, ApiErrorCode.REMOVED_FROM_MATCH, "The operator removed this player from this match.");
  }
  return { playerId, name, iat };
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(c: Context<AppEnv>): string | null {
  return /^Bearer ([A-Za-z0-9_.-]+)$/.exec(c.req.header("Authorization") ?? "")?.[1] ?? null;
}

/** The :id path parameter, if it is a match id this deployment minted; else 404 without touching a room. */
export async function genuineMatchId(c: Context<AppEnv>): Promise<string> {
  const id = c.req.param("id") ?? "";
  if (!(await isGenuineMatchId(requireSecret(c.env), id))) throw notFound("No such match.");
  return id;
}

/**
 * The key of the per-client rate limits. Outside the platform a client-sent CF-Connecting-IP is
 * ignored and every client shares one key: workerd exposes no peer address there, and believing the
 * header would let anyone mint a fresh limit per request.
 */
export function clientAddress(c: Context<AppEnv>): string {
  if (!trustConnectingIp(c.env)) return "untrusted";
  return c.req.header("CF-Connecting-IP") ?? "unknown";
}
