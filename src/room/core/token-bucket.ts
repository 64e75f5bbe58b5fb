/**
 * Per-connection token bucket on incoming frames.
 *
 * Kept in memory, not in the socket attachment: a room only hibernates after
 * about 10 s without events, and the bucket is full again long before that, so
 * a bucket lost to hibernation is exactly the bucket we would have restored.
 *
 * Both are fields of the connection itself (LiveConn extends them), not objects of their own: two
 * objects per connection less for workerd's full collections to mark (issue 12).
 */
export interface TokenBucket {
  tokens: number;
  /** When `tokens` was last refilled. */
  tokensAt: number;
}

/** Refill by elapsed time, then take one token. Returns false (and takes nothing) when empty. */
export function takeToken(bucket: TokenBucket, now: number, burst: number, perSecond: number): boolean {
  const elapsed = Math.max(0, now - bucket.tokensAt);
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * perSecond) / 1000);
  bucket.tokensAt = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/** Strikes for bad frames within a sliding window; too many closes the socket by policy. */
export interface StrikeCounter {
  strikeCount: number;
  strikeWindowStart: number;
}

export function addStrike(counter: StrikeCounter, now: number, windowMs: number): number {
  if (now - counter.strikeWindowStart > windowMs) {
    counter.strikeCount = 0;
    counter.strikeWindowStart = now;
  }
  counter.strikeCount += 1;
  return counter.strikeCount;
}
