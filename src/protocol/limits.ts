/** Protocol limits: the numbers docs/protocol.md promises. */

/** Largest client frame accepted, in bytes, checked before any decoding. */
export const MAX_CLIENT_FRAME_BYTES = 1024;

/** Bounds enforced while scanning msgpack, before msgpackr allocates anything. */
export const DECODE_LIMITS = {
  /** Deepest nesting of arrays/maps. */
  maxDepth: 8,
  /** Elements of one array, or entries of one map. */
  maxContainerLength: 64,
  /** Bytes of one string or binary value. */
  maxStringBytes: 256,
  /** Total values (scalars and containers) in one frame. */
  maxValues: 512,
} as const;

/** Bad frames (malformed, invalid, rate-limited) tolerated per window before a policy close. */
export const ABUSE_LIMIT = { strikes: 10, windowMs: 10_000 } as const;

/** Input ids are client-chosen, strictly increasing, positive safe integers. */
export const MAX_INPUT_ID = Number.MAX_SAFE_INTEGER;

/** How many recent input outcomes per seat the room remembers for exact re-acknowledgement. */
export const RECENT_OUTCOMES = 32;

/**
 * Most connections one room holds, players and spectators together (HTTP fallback streams included).
 * Seats are reserved: a seated player always gets back in, so the cap falls on spectators, who are
 * refused with ROOM_AT_CAPACITY once connections would pass it.
 */
export const MAX_ROOM_CONNECTIONS = 64;
