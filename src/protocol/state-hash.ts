/**
 * The state checksum carried in `welcome.stateHash` and the public status:
 * FNV-1a (32-bit) over the msgpack encoding of the game state, as 8 hex
 * digits. Cheap enough to compute on every connect; strong enough to catch a
 * client or replay that diverged (it is a consistency check, not a MAC).
 */
import { Packr } from "msgpackr";

const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true, moreTypes: false, variableMapSize: true });

export function fnv1a32(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

export function stateHash(state: unknown): string {
  return fnv1a32(new Uint8Array(packr.pack(state)));
}
