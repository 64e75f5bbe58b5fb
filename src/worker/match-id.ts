/**
 * Match ids that prove they were minted here: 16 random bytes followed by an
 * 8-byte HMAC of them, base64url (32 characters). An id that fails the check
 * is answered 404 by the worker itself, so probing for matches never
 * instantiates a room. Rotating AUTH_SECRET retires existing match ids.
 */
import * as z from "zod";
import { base64url, hmacKey } from "./tokens";

export const MatchIdParam = z.string().regex(/^[A-Za-z0-9_-]{32}$/, "match id must be 32 base64url characters");

const RANDOM_BYTES = 16;
const TAG_BYTES = 8;

async function tag(secret: string, random: Uint8Array): Promise<Uint8Array> {
  const key = await hmacKey(`match-id:${secret}`);
  const mac = await crypto.subtle.sign("HMAC", key, random);
  return new Uint8Array(mac).subarray(0, TAG_BYTES);
}

export async function newMatchId(secret: string): Promise<string> {
  const random = crypto.getRandomValues(new Uint8Array(RANDOM_BYTES));
  const t = await tag(secret, random);
  const all = new Uint8Array(RANDOM_BYTES + TAG_BYTES);
  all.set(random);
  all.set(t, RANDOM_BYTES);
  return base64url(all);
}

export async function isGenuineMatchId(secret: string, id: string): Promise<boolean> {
  if (!MatchIdParam.safeParse(id).success) return false;
  const bytes = fromBase64url(id);
  if (!bytes || bytes.length !== RANDOM_BYTES + TAG_BYTES) return false;
  const expected = await tag(secret, bytes.subarray(0, RANDOM_BYTES));
  let diff = 0;
  for (let i = 0; i < TAG_BYTES; i++) diff |= (expected[i] ?? 0) ^ (bytes[RANDOM_BYTES + i] ?? 0);
  return diff === 0;
}

function fromBase64url(s: string): Uint8Array | null {
  try {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
