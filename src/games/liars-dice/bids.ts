/** Bid ordering: which bids may follow which. */
import { FACES } from "./state";

export interface BidValue {
  readonly quantity: number;
  readonly face: number;
}

/**
 * Bids are ordered by quantity, then face: a raise names a higher quantity (any
 * face) or the same quantity of a higher face. Ones are the lowest face here
 * even though they are rarer under the wild rule; no conversion between ones
 * and other faces, so the order is one comparison anyone can check.
 */
export function isRaise(previous: BidValue | null, next: BidValue): boolean {
  if (previous === null) return true;
  return next.quantity > previous.quantity || (next.quantity === previous.quantity && next.face > previous.face);
}

export function isFace(face: number): boolean {
  return Number.isInteger(face) && face >= 1 && face <= FACES;
}

/** Every legal bid after `previous` with at most `maxQuantity` dice, lowest first. */
export function legalBids(previous: BidValue | null, maxQuantity: number): BidValue[] {
  const out: BidValue[] = [];
  const fromQuantity = previous === null ? 1 : previous.quantity;
  for (let quantity = Math.max(1, fromQuantity); quantity <= maxQuantity; quantity++) {
    for (let face = 1; face <= FACES; face++) {
      if (isRaise(previous, { quantity, face })) out.push({ quantity, face });
    }
  }
  return out;
}
