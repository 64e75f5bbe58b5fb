/**
 * Player tokens and join tickets: HS256 JWTs through Hono's JWT helper, with
 * the algorithm pinned, expiry required, and the audience telling the two
 * apart. A player token (long-lived, audience "edgeroom:player") never goes in
 * a URL; it buys a join ticket (30 s, single use, audience bound to one match)
 * over HTTPS, and only the ticket rides in the WebSocket URL.
 */
import { sign, verify } from "hono/jwt";
import * as z from "zod";
import { str, int, connRole } from "../protocol/zod-shared";
import { PlayerName } from "../protocol/http-api";

export const ISSUER = "edgeroom";
export const PLAYER_AUDIENCE = "edgeroom:player";
export const TICKET_TTL_SECONDS = 30;
const ALG = "HS256";

export const matchAudience = (matchId: string) => `edgeroom:match:${matchId}`;

export const PlayerId = str.regex(/^[A-Za-z0-9_.:@-]{1,64}$/, "player id: 1-64 of A-Z a-z 0-9 _ . : @ -");
export { PlayerName };

// iat is optional for tokens minted elsewhere; such a token counts as issued at 0 (any revocation covers it).
const PlayerClaims = z.object({ sub: PlayerId, name: PlayerName, exp: int, iat: int.default(0), aud: z.literal(PLAYER_AUDIENCE) });
const TicketClaims = z.object({
  sub: PlayerId,
  name: PlayerName,
  exp: int,
  aud: str,
  jti: str.min(8).max(64),
  role: connRole,
});

export interface Player {
  readonly playerId: string;
  readonly name: string;
}
export type Ticket = Player & { readonly role: "player" | "spectator"; readonly jti: string; readonly exp: number };

export type Verified<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * The HMAC-SHA-256 key of a secret, imported once per isolate. Importing on every sign and verify
 * (what passing the secret as a string to the JWT helper does) is a measurable share of a join under
 * load. The CryptoKey itself is cached (not the promise of it), so no request awaits another's import.
 * A handful of secrets at most (tests use several; a deployment one or two while rotating).
 */
const hmacKeys = new Map<string, CryptoKey>();
export async function hmacKey(material: string): Promise<CryptoKey> {
  const cached = hmacKeys.get(material);
  if (cached) return cached;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(material), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  if (hmacKeys.size >= 16) hmacKeys.clear();
  hmacKeys.set(material, key);
  return key;
}

export async function signPlayerToken(secret: string, player: Player, ttlSeconds: number, now = nowSeconds()): Promise<{ token: string; exp: number }> {
  const exp = now + ttlSeconds;
  const token = await sign({ iss: ISSUER, aud: PLAYER_AUDIENCE, sub: player.playerId, name: player.name, iat: now, exp }, await hmacKey(secret), ALG);
  return { token, exp };
}

export async function signTicket(secret: string, matchId: string, player: Player, role: "player" | "spectator", now = nowSeconds()) {
  const exp = now + TICKET_TTL_SECONDS;
  const jti = randomId(16);
  const ticket = await sign(
    { iss: ISSUER, aud: matchAudience(matchId), sub: player.playerId, name: player.name, role, jti, iat: now, exp },
    await hmacKey(secret),
    ALG,
  );
  return { ticket, exp };
}

export async function verifyPlayerToken(secret: string, token: string): Promise<Verified<Player & { iat: number }>> {
  const claims = await verifyClaims(token, secret, PLAYER_AUDIENCE, PlayerClaims);
  return claims.ok ? { ok: true, value: { playerId: claims.value.sub, name: claims.value.name, iat: claims.value.iat } } : claims;
}

export async function verifyTicket(secret: string, token: string, matchId: string): Promise<Verified<Ticket>> {
  const claims = await verifyClaims(token, secret, matchAudience(matchId), TicketClaims);
  if (!claims.ok) return claims;
  const c = claims.value;
  return { ok: true, value: { playerId: c.sub, name: c.name, role: c.role, jti: c.jti, exp: c.exp } };
}

/** Longest token or ticket accepted; ours are ~300 characters. Checked before any decoding. */
export const MAX_TOKEN_CHARS = 2048;

/**
 * The reasons a client may see, by the JWT helper's error class. The class names are library
 * internals (and change between versions), so they never reach a response; anything unlisted is
 * reported as "malformed".
 */
const REASONS: Readonly<Record<string, string>> = {
  JwtTokenExpired: "expired",
  JwtTokenNotBefore: "not valid yet",
  JwtTokenIssuedAt: "issued in the future",
  JwtTokenIssuer: "wrong issuer",
  JwtTokenAudience: "wrong audience",
  JwtPayloadRequiresAud: "wrong audience",
  JwtTokenSignatureMismatched: "bad signature",
  JwtAlgorithmNotImplemented: "unsupported algorithm",
  JwtAlgorithmMismatch: "unsupported algorithm",
  JwtAlgorithmNotAllowed: "unsupported algorithm",
  JwtSymmetricAlgorithmNotAllowed: "unsupported algorithm",
  JwtAlgorithmRequired: "unsupported algorithm",
};

async function verifyClaims<T>(token: string, secret: string, aud: string, schema: z.ZodType<T>): Promise<Verified<T>> {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: "too long" };
  let payload: unknown;
  try {
    // alg pinned: a token whose header says "none" or another algorithm is refused.
    payload = await verify(token, await hmacKey(secret), { alg: ALG, iss: ISSUER, aud });
  } catch (err) {
    return { ok: false, reason: (err instanceof Error && REASONS[err.name]) || "malformed" };
  }
  const parsed = schema.safeParse(payload);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: "missing or invalid claims (exp is required)" };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function randomId(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
