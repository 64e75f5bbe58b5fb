/**
 * The Edgeroom HTTP API as the browser pages use it (same origin as the page). Request and response
 * types come from the schemas in src/protocol/http-api.ts (the ones the worker validates with and the
 * OpenAPI document is generated from), and every answer is checked against them before a page sees it.
 */
import type * as z from "zod";
import { CreateMatchRequest, CreateMatchResponse, GuestResponse, PublicStatus, ReplayDocument, type RoundReveal } from "../../src/protocol/http-api";

export type Guest = z.infer<typeof GuestResponse>;
export type { PublicStatus, RoundReveal };
/** What a page may send to create a match (defaults filled in by the server). */
export type CreateMatchBody = z.input<typeof CreateMatchRequest>;

/** An HTTP error with the API's code and human-readable message. */
export class ApiError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<S extends z.ZodType>(schema: S, method: "GET" | "POST", path: string, body?: unknown, token?: string): Promise<z.infer<S>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers["Authorization"] = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(null, "NETWORK", "The server could not be reached. Check your connection and try again.");
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below from the status.
  }
  if (!res.ok) {
    const err = isRecord(json) && isRecord(json["error"]) ? json["error"] : null;
    const code = err && typeof err["code"] === "string" ? err["code"] : `HTTP_${res.status}`;
    const message = err && typeof err["message"] === "string" ? err["message"] : `The server answered ${res.status}.`;
    throw new ApiError(res.status, code, message);
  }
  const parsed = schema.safeParse(json);
  // A server answering outside its own schema is a bug or a version mismatch; say so instead of guessing.
  if (!parsed.success) throw new ApiError(res.status, "BAD_RESPONSE", `The server's answer to ${method} ${path} was not understood.`);
  return parsed.data;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

export function createGuest(name: string): Promise<Guest> {
  return request(GuestResponse, "POST", "/api/guest", { name });
}

export async function createMatch(token: string, body: CreateMatchBody): Promise<string> {
  const res = await request(CreateMatchResponse, "POST", "/api/matches", body, token);
  return res.matchId;
}

export function matchStatus(matchId: string): Promise<PublicStatus> {
  return request(PublicStatus, "GET", `/api/matches/${encodeURIComponent(matchId)}`);
}

/** The revealed seed and salt of a finished round, from the replay document (null when not published). */
export async function revealedRound(matchId: string, round: number): Promise<RoundReveal | null> {
  const doc = await request(ReplayDocument, "GET", `/api/matches/${encodeURIComponent(matchId)}/replay`);
  return doc.rounds.find((r) => r.round === round) ?? null;
}
