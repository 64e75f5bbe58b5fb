/** Runner options and input schemas (validated by the room before the game sees them). */
import * as z from "zod";
import { DEFAULT_DURATION_SECONDS, MAX_TICKS, MIN_DURATION_SECONDS, TICK_HZ } from "./constants";

/**
 * One optional option: the match length in whole seconds, countdown included
 * (default and maximum 90). Strict, so a typo'd option is rejected.
 */
export const runnerOptionsSchema = z
  .object({
    durationSeconds: z.number().int().min(MIN_DURATION_SECONDS).max(MAX_TICKS / TICK_HZ).optional(),
  })
  .strict();
export type RunnerOptions = z.infer<typeof runnerOptionsSchema>;

export function matchTicks(options: RunnerOptions): number {
  return (options.durationSeconds ?? DEFAULT_DURATION_SECONDS) * TICK_HZ;
}

/**
 * A button change, edge-triggered: clients send one only when a button changes.
 * `jump: true` asks for one jump (no effect in the air or while ducking);
 * `duck` is the held state of the duck button. `tick` is the tick the client
 * pressed at; the room buffers the input and applies it at that tick.
 * z.number().int() already rejects NaN, infinities and fractions.
 */
export const runnerInputSchema = z
  .object({
    tick: z.number().int().min(0).max(MAX_TICKS),
    jump: z.boolean().optional(),
    duck: z.boolean().optional(),
  })
  .strict();
export type RunnerInput = z.infer<typeof runnerInputSchema>;
