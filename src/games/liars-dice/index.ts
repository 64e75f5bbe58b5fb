/**
 * Liar's Dice as a GameDefinition: 2–6 players bid on the dice hidden under
 * everyone's cups, ones wild; a challenged bid costs the wrong side a die and
 * the last player holding dice wins. Dice come only from the round seed (see
 * dice.ts), so the revealed seed proves every roll. Thin wrappers over the pure
 * rules (rules.ts, forfeit.ts), the view (view.ts) and the AI (ai.ts).
 */
import { defineGame, type MatchResult } from "../types";
import { chooseFromView, LIARS_DICE_AI_LEVELS } from "./ai";
import type { LiarsDiceEvent } from "./events";
import { forfeitSeat } from "./forfeit";
import { liarsDiceResult } from "./ranking";
import { callLiar, createState, placeBid } from "./rules";
import { liarsDiceInputSchema, liarsDiceOptionsSchema, startDiceOf, type LiarsDiceInput, type LiarsDiceOptions } from "./schema";
import { MAX_SEATS, MIN_SEATS, type LiarsDiceState } from "./state";
import { secretsOf, viewOf, type LiarsDiceView } from "./view";

export { DEFAULT_DICE, FACES, LIARS_DICE_ERRORS, MAX_DICE, nextSeatIn, totalDice } from "./state";
export type { LdBid, LdEndReason, LdOutReason, LdPlayer, LdReveal, LiarsDiceErrorCode, LiarsDiceState } from "./state";
export { liarsDiceInputSchema, liarsDiceOptionsSchema, startDiceOf, type LiarsDiceInput, type LiarsDiceOptions } from "./schema";
export type { LiarsDiceEvent } from "./events";
export type { LiarsDiceView } from "./view";
export { countAll, countFace, matchesFace, rollHand } from "./dice";
export { isRaise, legalBids } from "./bids";
export { rankSeats } from "./ranking";
export { LIARS_DICE_AI_LEVELS, chooseFromView, type LiarsDiceLevel } from "./ai";
export { binomialTail, bidTrueChance } from "./ai-odds";

export const liarsDice = defineGame<LiarsDiceState, LiarsDiceInput, LiarsDiceOptions, LiarsDiceView, LiarsDiceEvent>({
  id: "liars-dice",
  title: "Liar's Dice",
  seats: { min: MIN_SEATS, max: MAX_SEATS },
  kind: "turn-based",
  optionsSchema: liarsDiceOptionsSchema,
  inputSchema: liarsDiceInputSchema,
  // A bid needs a moment's thought about everyone's counts: 30 s like Connect Four.
  // The AI waits a little longer than there so a table of bots stays readable.
  timing: { turnMs: 30_000, graceMs: 60_000, heartbeatTimeoutMs: 3_500, pingIntervalMs: 1_500, aiThinkMs: 600, disconnectPolicy: "forfeit" },
  // A match has far fewer moves per player than a burst of 30 (each hand is a
  // handful of bids), plus clock syncs; 10/s sustained is far above human play.
  rateLimit: { burst: 30, perSecond: 10 },

  create(seed, options, seatCount, firstSeat) {
    return createState(seed, startDiceOf(options), seatCount, firstSeat);
  },

  apply(state, input, { seat, by }) {
    return input.type === "bid" ? placeBid(state, seat, input.quantity, input.face, by) : callLiar(state, seat, by);
  },

  turn(state) {
    return state.over ? null : state.turn;
  },

  forfeit(state, seat, reason) {
    return forfeitSeat(state, seat, reason);
  },

  result(state): MatchResult | null {
    return liarsDiceResult(state);
  },

  view(state, seat) {
    return viewOf(state, seat);
  },

  secrets(state) {
    return secretsOf(state);
  },

  ai: {
    levels: LIARS_DICE_AI_LEVELS,
    // Only the seat's own view reaches the AI: it cannot read other seats' dice.
    choose(state, seat, level, seed) {
      return chooseFromView(viewOf(state, seat), level, seed);
    },
  },
});
