import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { commitmentOf, deriveRound } from "../../src/protocol/fairness";

// Secrets whose derived bytes include values below 0x10 (a hex digit pair that needs its leading zero).
const SECRETS = ["00".repeat(32), "ff".repeat(32), "0123456789abcdef".repeat(4), "a5".repeat(31) + "07"];

describe("fairness hex encoding", () => {
  it("derives every round's salt and commitment as the same lower-case hex as @noble/hashes' bytesToHex", () => {
    let padded = 0;
    for (const secret of SECRETS) {
      for (let round = 1; round <= 8; round++) {
        const key = hexToBytes(secret);
        const saltBytes = hmac(sha256, key, utf8ToBytes(`salt:${round}`)).subarray(0, 16);
        const r = deriveRound(secret, round);
        expect(r.salt).toBe(bytesToHex(saltBytes));
        expect(r.commitment).toBe(bytesToHex(sha256(utf8ToBytes(`edgeroom-commit-v1:${r.seed}:${r.salt}`))));
        expect(commitmentOf(r.seed, r.salt)).toBe(r.commitment);
        if (saltBytes.some((b) => b < 16)) padded++;
      }
    }
    // The cases above do cover bytes that need a leading zero.
    expect(padded).toBeGreaterThan(0);
  });
});
