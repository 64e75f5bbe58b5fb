/**
 * The replay document (`GET /api/matches/:id/replay`) and its ordered action log: one schema for the
 * room that writes it, the endpoint that serves it and the verifier that re-simulates it.
 */
import * as z from "zod";
import { str, num, int, anything, nonNegInt, intOrNull, seatKind } from "./zod-shared";
import { MatchResultSchema } from "./schemas";
import { ClosedBy } from "./operator-api";

const seat = nonNegInt;

/** One entry of the ordered action log: enough to re-simulate every round exactly. */
export const ActionEntry = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("round"), round: int, seed: int, firstSeat: seat, at: num }),
  z.object({
    kind: z.literal("input"),
    round: int,
    seat,
    by: seatKind,
    inputId: intOrNull,
    data: anything,
    at: num,
    /** Real-time games: the tick the input was applied at. */
    tick: int.optional(),
  }),
  z.object({
    kind: z.literal("forfeit"),
    round: int,
    seat,
    reason: z.enum(["timeout", "forfeit", "resign", "abandoned"]),
    at: num,
    /** Real-time games: the tick the forfeit took effect at. */
    tick: int.optional(),
  }),
]);
export type ActionEntry = z.infer<typeof ActionEntry>;

/** A finished round's seed, salt and the commitment published at its start. */
export const RoundReveal = z.object({ round: int, seed: int, salt: str, commitment: str });
export type RoundReveal = z.infer<typeof RoundReveal>;

/**
 * The replay document with `result` as the given schema: the wire's MatchResultSchema here, the HTTP
 * answer's MatchResult for GET /api/matches/:id/replay (src/protocol/http-answers.ts). A function,
 * not `ReplayDocument.extend(…)` there, so the worker (which neither writes nor reads it through this
 * schema) does not keep this one alive for that answer (issue 12, the fixed heap).
 */
export function replayDocumentWith<R extends z.ZodType>(result: R) {
  return z.object({
    matchId: str,
    game: str,
    settings: z.object({ seats: int, gameOptions: anything }).passthrough(),
    status: str.optional(),
    result,
    /** Revealed seed, salt and commitment of every finished round. */
    rounds: z.array(RoundReveal),
    actions: z.array(ActionEntry),
    /** Set when the operator closed the room: the match has no winner and this says why. */
    closedBy: ClosedBy.nullable().optional(),
  });
}

export const ReplayDocument = replayDocumentWith(MatchResultSchema.nullable());
export type ReplayDocument = z.infer<typeof ReplayDocument>;
