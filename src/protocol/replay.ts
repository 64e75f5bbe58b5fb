/**
 * The replay document (`GET /api/matches/:id/replay`) and its ordered action log: one schema for the
 * room that writes it, the endpoint that serves it and the verifier that re-simulates it.
 */
import * as z from "zod";
import { MatchResultSchema } from "./schemas";
import { ClosedBy } from "./operator-api";

const seat = z.number().int().min(0);

/** One entry of the ordered action log: enough to re-simulate every round exactly. */
export const ActionEntry = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("round"), round: z.number().int(), seed: z.number().int(), firstSeat: seat, at: z.number() }),
  z.object({
    kind: z.literal("input"),
    round: z.number().int(),
    seat,
    by: z.enum(["human", "ai"]),
    inputId: z.number().int().nullable(),
    data: z.unknown(),
    at: z.number(),
    /** Real-time games: the tick the input was applied at. */
    tick: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal("forfeit"),
    round: z.number().int(),
    seat,
    reason: z.enum(["timeout", "forfeit", "resign", "abandoned"]),
    at: z.number(),
    /** Real-time games: the tick the forfeit took effect at. */
    tick: z.number().int().optional(),
  }),
]);
export type ActionEntry = z.infer<typeof ActionEntry>;

/** A finished round's seed, salt and the commitment published at its start. */
export const RoundReveal = z.object({ round: z.number().int(), seed: z.number().int(), salt: z.string(), commitment: z.string() });
export type RoundReveal = z.infer<typeof RoundReveal>;

export const ReplayDocument = z.object({
  matchId: z.string(),
  game: z.string(),
  settings: z.object({ seats: z.number().int(), gameOptions: z.unknown() }).passthrough(),
  status: z.string().optional(),
  result: MatchResultSchema.nullable(),
  /** Revealed seed, salt and commitment of every finished round. */
  rounds: z.array(RoundReveal),
  actions: z.array(ActionEntry),
  /** Set when the operator closed the room: the match has no winner and this says why. */
  closedBy: ClosedBy.nullable().optional(),
});
export type ReplayDocument = z.infer<typeof ReplayDocument>;
