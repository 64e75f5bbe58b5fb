/** Liar's Dice options and input schemas (validated by the room before the game sees them). */
import * as z from "zod";
import { DEFAULT_DICE, MAX_DICE } from "./state";

/** One optional option: dice per player at the start, 1..5 (default 5). Strict, so a typo'd option is rejected. */
export const liarsDiceOptionsSchema = z
  .object({
    dice: z.number().int().min(1).max(MAX_DICE).optional(),
  })
  .strict();
export type LiarsDiceOptions = z.infer<typeof liarsDiceOptionsSchema>;

/** Dice per player for these options; anything the schema would refuse falls back to the default. */
export function startDiceOf(options: LiarsDiceOptions | null | undefined): number {
  const d = options?.dice;
  return typeof d === "number" && Number.isInteger(d) && d >= 1 && d <= MAX_DICE ? d : DEFAULT_DICE;
}

/*
 * Ranges are deliberately rules (BAD_FACE, BAD_QUANTITY: game errors a client
 * can show) rather than schema errors; the loose bounds only keep absurd
 * numbers out. Strict objects: an unknown key is INVALID_INPUT.
 */
const bidInput = z
  .object({
    type: z.literal("bid"),
    quantity: z.number().int().min(-1000).max(1000),
    face: z.number().int().min(-1000).max(1000),
  })
  .strict();
const liarInput = z.object({ type: z.literal("liar") }).strict();

export const liarsDiceInputSchema = z.discriminatedUnion("type", [bidInput, liarInput]);
export type LiarsDiceInput = z.infer<typeof liarsDiceInputSchema>;
