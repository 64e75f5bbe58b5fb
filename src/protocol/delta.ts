/** Delta encoding of quantised real-time snapshots, shared by the room (encode) and clients (apply). */

/** Delta of a quantised snapshot against the previous one sent: flat [index, value, …] pairs. */
export function deltaPairs(prev: readonly number[], next: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < next.length; i++) {
    const v = next[i] ?? 0;
    if (prev[i] !== v) out.push(i, v);
  }
  return out;
}

/** Apply a delta (client side): returns the new full array. */
export function applyDelta(prev: readonly number[], pairs: readonly number[]): number[] {
  const out = prev.slice();
  for (let i = 0; i + 1 < pairs.length; i += 2) out[pairs[i] ?? 0] = pairs[i + 1] ?? 0;
  return out;
}
