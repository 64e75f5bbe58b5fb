/** The Edgeroom HTTP API as the browser pages use it (same origin as the page). */

export interface Guest {
  readonly playerId: string;
  readonly name: string;
  readonly token: string;
  /** ms since epoch. */
  readonly expiresAt: number;
}

export interface PublicSeat {
  readonly seat: number;
  readonly name: string;
  readonly kind: "human" | "ai";
  readonly claimed: boolean;
  readonly connected: boolean;
}

export interface PublicStatus {
  readonly matchId: string;
  readonly game: string;
  readonly mode: "pvp" | "ai";
  readonly status: "waiting" | "playing" | "finished" | "closed";
  readonly seats: readonly PublicSeat[];
}

export interface CreateMatchBody {
  readonly game: "connect-four" | "runner";
  readonly mode: "pvp" | "ai";
  readonly aiLevel?: "easy" | "medium" | "hard";
  readonly seats?: number;
  readonly turnMs?: number;
  readonly options?: Record<string, unknown>;
}

/** One revealed round, as listed in the replay document. */
export interface RoundRevealDoc {
  readonly round: number;
  readonly seed: number;
  readonly salt: string;
  readonly commitment: string;
}

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

async function request<T>(method: "GET" | "POST", path: string, body?: unknown, token?: string): Promise<T> {
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
  return json as T;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

export function createGuest(name: string): Promise<Guest> {
  return request<Guest>("POST", "/api/guest", { name });
}

export async function createMatch(token: string, body: CreateMatchBody): Promise<string> {
  const res = await request<{ matchId: string }>("POST", "/api/matches", body, token);
  return res.matchId;
}

export function matchStatus(matchId: string): Promise<PublicStatus> {
  return request<PublicStatus>("GET", `/api/matches/${encodeURIComponent(matchId)}`);
}

/** The revealed seed and salt of a finished round, from the replay document (null when not published). */
export async function revealedRound(matchId: string, round: number): Promise<RoundRevealDoc | null> {
  const doc = await request<{ rounds?: RoundRevealDoc[] }>("GET", `/api/matches/${encodeURIComponent(matchId)}/replay`);
  return doc.rounds?.find((r) => r.round === round) ?? null;
}
