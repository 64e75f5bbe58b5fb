/**
 * The pages' handle on the SDK's typed HTTP client (src/client/http-api.ts), bound to the page's own
 * origin, plus the one lookup the fairness panel needs. Everything is checked against the protocol's
 * schemas inside the SDK; nothing here decodes answers.
 */
import { ApiRequestError, createApi } from "../../src/client/internal";
import type { RoundReveal } from "../../src/protocol/http-api";

export { ApiRequestError as ApiError };
export type { CreateMatchBody, GameInfo, Guest, PublicStatus } from "../../src/client/internal";

export const api = createApi({ baseUrl: location.origin });

/** The revealed seed and salt of a finished round, from the replay document (null when not published). */
export async function revealedRound(matchId: string, round: number): Promise<RoundReveal | null> {
  const doc = await api.replay(matchId);
  return doc.rounds.find((r) => r.round === round) ?? null;
}
