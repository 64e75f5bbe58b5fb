/**
 * Per-connection token bucket on incoming frames.
 *
 * Kept in memory, not in the socket attachment: a room only hibernates after
 * about 10 s without events, and the bucket is full again long before that, so
 * a bucket lost to hibernation is exactly the bucket we would have restored.
 */
export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

export function fullBucket(burst: number, now: number): TokenBucket {
  return { tokens: burst, updatedAt: now };
}

/** Refill by elapsed time, then take one token. Returns false (and takes nothing) when empty. */
export function takeToken(bucket: TokenBucket, now: number, burst: number, perSecond: number): boolean {
  const elapsed = Math.max(0, now - bucket.updatedAt);
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * perSecond) / 1000);
  bucket.updatedAt = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/** Strikes for bad frames within a sliding window; too many closes the socket by policy. */
export interface StrikeCounter {
  count: number;
  windowStart: number;
}

export function addStrike(counter: StrikeCounter, now: number, windowMs: number): number {
  if (now - counter.windowStart > windowMs) {
    counter.count = 0;
    counter.windowStart = now;
  }
  counter.count += 1;
  return counter.count;
}
