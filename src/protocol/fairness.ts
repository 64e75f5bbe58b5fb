/**
 * Provable fairness of random content (courses, AI tie-breaks): a commitment
 * published when a round starts and revealed when it ends.
 *
 * Each match has a 256-bit secret that never leaves the room until… never:
 * only per-round values derived from it are revealed. Round r's seed and salt
 * are HMAC-SHA256(secret, "seed:r") and HMAC-SHA256(secret, "salt:r"); the
 * commitment is SHA-256("edgeroom-commit-v1:<seed>:<salt>"). The 128-bit salt
 * makes the 32-bit seed impossible to guess from its commitment; deriving
 * both from the secret keeps later rounds (rematches) unpredictable after an
 * earlier round is revealed. Shared by the room, clients and replay checks.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

import type { RoundReveal } from "./replay";

export function deriveRound(secretHex: string, round: number): RoundReveal {
  const key = hexToBytes(secretHex);
  const s = hmac(sha256, key, utf8ToBytes(`seed:${round}`));
  const seed = (((s[0] ?? 0) << 24) | ((s[1] ?? 0) << 16) | ((s[2] ?? 0) << 8) | (s[3] ?? 0)) >>> 0;
  const salt = bytesToHex(hmac(sha256, key, utf8ToBytes(`salt:${round}`)).subarray(0, 16));
  return { round, seed, salt, commitment: commitmentOf(seed, salt) };
}

/**
 * Lower-case hex of `bytes`. Not @noble/hashes' bytesToHex: that one keeps a module-level table of
 * 256 strings, 258 heap objects of the worker isolate's fixed heap for as long as it runs (which
 * every full mark-compact marks; issue 12), to encode 48 bytes per round.
 */
function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += (b < 16 ? "0" : "") + b.toString(16);
  return hex;
}

export function commitmentOf(seed: number, salt: string): string {
  return bytesToHex(sha256(utf8ToBytes(`edgeroom-commit-v1:${seed >>> 0}:${salt}`)));
}

/** Any client can check a reveal against the commitment it saw at the start. */
export function verifyReveal(commitment: string, seed: number, salt: string): boolean {
  return commitmentOf(seed, salt) === commitment;
}
