/**
 * The Edgeroom HTTP API as a typed client: guests, matches, tickets, status,
 * replays and the game list. Request and answer types come from the schemas in
 * src/protocol/http-api.ts (the ones the worker validates with and the OpenAPI
 * document is generated from), and every answer is checked against them before
 * the caller sees it, so a server answering outside its own schema is reported
 * as such instead of surfacing later as a confusing undefined.
 */
import type * as z from "zod";
import type { CreateMatchRequest } from "../protocol/http-api";
import { httpAnswers, type GameInfo, type PublicStatus } from "../protocol/http-answers";

type Answers = ReturnType<typeof httpAnswers>;
export type Guest = z.infer<Answers["GuestResponse"]>;
export type CreatedMatch = z.infer<Answers["CreateMatchResponse"]>;
export type Ticket = z.infer<Answers["TicketResponse"]>;
export type Replay = z.infer<Answers["ReplayDocument"]>;
export type { GameInfo, PublicStatus };
/** What a caller may send to create a match (the server fills in the defaults). */
export type CreateMatchBody = z.input<typeof CreateMatchRequest>;

/** The part of `fetch` the HTTP client uses (the global fetch fits it). */
export type ApiFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ readonly status: number; text(): Promise<string> }>;

export interface ApiOptions {
  /** The worker's origin, e.g. `https://play.example.com` (a trailing slash is fine). */
  readonly baseUrl: string;
  /** Defaults to the global fetch. */
  readonly fetch?: ApiFetch;
}

/**
 * A refused or failed request. `code` is the API's error code (BAD_REQUEST, NOT_FOUND, …), or
 * NETWORK (no answer; `status` null), BAD_RESPONSE (an answer outside the schema) or HTTP_<status>
 * (an error without the API's error body, e.g. from a proxy).
 */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface EdgeroomApi {
  guest(name?: string): Promise<Guest>;
  createMatch(token: string, body: CreateMatchBody): Promise<CreatedMatch>;
  ticket(token: string, matchId: string, role?: "player" | "spectator"): Promise<Ticket>;
  status(matchId: string): Promise<PublicStatus>;
  /** Published once the match is over; before that the API answers CONFLICT (409). */
  replay(matchId: string): Promise<Replay>;
  games(): Promise<GameInfo[]>;
}

export function createApi(options: ApiOptions): EdgeroomApi {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch: ApiFetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const match = (matchId: string) => `/api/matches/${encodeURIComponent(matchId)}`;

  async function request<S extends z.ZodType>(schema: S, method: "GET" | "POST", path: string, body?: unknown, token?: string): Promise<z.infer<S>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
    let status: number;
    let text: string;
    try {
      const res = await doFetch(`${base}${path}`, body === undefined ? { method, headers } : { method, headers, body: JSON.stringify(body) });
      status = res.status;
      text = await res.text();
    } catch {
      throw new ApiRequestError(null, "NETWORK", "The server could not be reached. Check your connection and try again.");
    }
    const json = parseJson(text);
    if (status < 200 || status >= 300) {
      const err = httpAnswers().ApiErrorBody.safeParse(json);
      if (err.success) throw new ApiRequestError(status, err.data.error.code, err.data.error.message);
      throw new ApiRequestError(status, `HTTP_${status}`, `The server answered ${status}.`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiRequestError(status, "BAD_RESPONSE", `The server's answer to ${method} ${path} was not understood.`);
    return parsed.data;
  }

  return {
    guest: (name) => request(httpAnswers().GuestResponse, "POST", "/api/guest", name === undefined ? {} : { name }),
    createMatch: (token, body) => request(httpAnswers().CreateMatchResponse, "POST", "/api/matches", body, token),
    ticket: (token, matchId, role = "player") => request(httpAnswers().TicketResponse, "POST", `${match(matchId)}/ticket`, { role }, token),
    status: (matchId) => request(httpAnswers().PublicStatus, "GET", match(matchId)),
    replay: (matchId) => request(httpAnswers().ReplayDocument, "GET", `${match(matchId)}/replay`),
    games: async () => (await request(httpAnswers().GamesResponse, "GET", "/api/games")).games,
  };
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the caller reports it from the status (an error) or the schema (BAD_RESPONSE).
    return null;
  }
}
