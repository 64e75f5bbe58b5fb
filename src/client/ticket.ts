/**
 * Minting a join ticket over HTTP and building the socket URL.
 *
 * Tickets are single-use and expire after 30 s, so one is minted for every
 * connection attempt, with a token fetched from the app's credential
 * provider each time (the token may have been refreshed meanwhile).
 */
import * as z from "zod";
import { PROTOCOL_VERSION } from "../protocol/codes";

/** The part of `fetch` the client uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ readonly status: number; json(): Promise<unknown>; text(): Promise<string> }>;

const TicketResponse = z.object({ ticket: z.string().min(1), expiresAt: z.number(), url: z.string().min(1) });
const ApiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type TicketResult =
  | { readonly ok: true; readonly url: string; readonly expiresAt: number }
  /** `status` is null when no HTTP response came back (network error, or the token provider failed). */
  | { readonly ok: false; readonly status: number | null; readonly message: string };

export interface TicketRequest {
  readonly fetch: FetchLike;
  readonly baseUrl: string;
  readonly matchId: string;
  readonly role: "player" | "spectator";
  readonly getToken: () => Promise<string>;
}

export async function mintTicket(req: TicketRequest): Promise<TicketResult> {
  let token: string;
  try {
    token = await req.getToken();
  } catch (err) {
    return { ok: false, status: null, message: `getToken failed: ${errorText(err)}` };
  }
  const endpoint = `${req.baseUrl.replace(/\/+$/, "")}/api/matches/${encodeURIComponent(req.matchId)}/ticket`;
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await req.fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ role: req.role }),
    });
  } catch (err) {
    return { ok: false, status: null, message: `ticket request failed: ${errorText(err)}` };
  }
  const body = await readJson(res);
  if (res.status !== 200) {
    const api = ApiErrorBody.safeParse(body);
    const message = api.success ? `${api.data.error.code}: ${api.data.error.message}` : `HTTP ${res.status}`;
    return { ok: false, status: res.status, message: res.status === 401 ? `auth failed (${message})` : message };
  }
  const parsed = TicketResponse.safeParse(body);
  if (!parsed.success) return { ok: false, status: res.status, message: "ticket response is not {ticket, expiresAt, url}" };
  return { ok: true, url: parsed.data.url, expiresAt: parsed.data.expiresAt };
}

/** Resume data presented on reconnect: the previous welcome's session and the last seq applied. */
export interface ResumeParams {
  readonly session: string;
  readonly lastSeq: number;
}

/** The ticket's socket URL, with resume data appended when there is some. */
export function socketUrl(ticketUrl: string, resume: ResumeParams | null): string {
  const url = new URL(ticketUrl);
  // The server sets v; set it anyway so an old server URL cannot silently pick another protocol version.
  if (!url.searchParams.has("v")) url.searchParams.set("v", String(PROTOCOL_VERSION));
  if (resume) {
    url.searchParams.set("session", resume.session);
    url.searchParams.set("lastSeq", String(resume.lastSeq));
  }
  return url.toString();
}

async function readJson(res: { json(): Promise<unknown> }): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
