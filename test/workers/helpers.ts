/** workerd-side helpers: open WebSockets through the real worker with SELF.fetch. */
import { SELF } from "cloudflare:test";
import { afterEach } from "vitest";
import { Api, type Guest } from "../support/api";
import { TestSocket } from "../support/test-socket";

/** Every socket a test opened; each is closed, and its close awaited, after the test. */
const opened: TestSocket[] = [];
afterEach(async () => {
  const all = opened.splice(0);
  for (const s of all) {
    try {
      s.close();
    } catch {
      // already closed
    }
  }
  await Promise.all(all.map((s) => s.closed));
});

/**
 * Every tracked socket pings as a real client must (protocol §7): a turn-based room closes a seated
 * player silent for 3.5 s with 4500, which a loaded CI machine reaches between two awaits of one
 * test. A test about silence calls `stopHeartbeat()` on the socket that is to go quiet.
 */
export function track(s: TestSocket): TestSocket {
  opened.push(s);
  return s.startHeartbeat(1000);
}

/** Accept the client end of an upgrade response and wrap it (binary frames as ArrayBuffer). */
export function wrap(ws: WebSocket): TestSocket {
  ws.accept();
  ws.binaryType = "arraybuffer";
  return track(new TestSocket(ws));
}

/**
 * A fresh client address per request (documentation range 2001:db8::/32), so the per-address edge
 * limits never couple unrelated tests; the tests of those limits name their address.
 */
let addresses = 0;
const block = Array.from(crypto.getRandomValues(new Uint16Array(2)), (n) => n.toString(16)).join(":"); // test files may share the limiter
export const freshAddress = () => `2001:db8:${block}::${(++addresses).toString(16)}`;

function withAddress(init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", freshAddress());
  return { ...init, headers };
}

export const api = new Api((input, init) => SELF.fetch(input, withAddress(init)), "https://edgeroom.test");

export async function upgrade(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(url, withAddress({ headers: { Upgrade: "websocket", ...headers } }));
}

/** Open a socket into a match for a guest (fetching a fresh ticket), and wait for its welcome. */
export async function join(guest: Guest, matchId: string, role: "player" | "spectator" = "player", resume?: { session: string; lastSeq: number }): Promise<TestSocket> {
  const { ticket } = await api.ticket(guest.token, matchId, role);
  const extra = resume ? `&session=${resume.session}&lastSeq=${resume.lastSeq}` : "";
  const res = await upgrade(api.wsPath(matchId, ticket) + extra);
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
  ws.accept();
  ws.binaryType = "arraybuffer";
  return track(new TestSocket(ws));
}

/** Open a socket that the room is expected to refuse; resolves with the close code. */
export async function joinRefused(guest: Guest, matchId: string, opts: { role?: "player" | "spectator"; v?: number } = {}) {
  const { ticket } = await api.ticket(guest.token, matchId, opts.role ?? "player");
  const res = await upgrade(api.wsPath(matchId, ticket, opts.v ?? 1));
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade failed: ${res.status}`);
  ws.accept();
  ws.binaryType = "arraybuffer";
  return track(new TestSocket(ws)).closed;
}

export async function twoPlayerMatch(body: Record<string, unknown> = {}) {
  const alice = await api.guest("Alice");
  const bob = await api.guest("Bob");
  const matchId = await api.createMatch(alice.token, { game: "connect-four", mode: "pvp", ...body });
  const a = await join(alice, matchId);
  await a.next("welcome");
  const b = await join(bob, matchId);
  await b.next("welcome");
  await a.nextEvent("matchStarted");
  return { alice, bob, matchId, a, b };
}

/** A 4-seat runner match (10 s) with four guests joined and heartbeating, and the welcome each got. */
export async function fourRunners(extra: Record<string, unknown> = {}) {
  const guests = await Promise.all(["A", "B", "C", "D"].map((n) => api.guest(n)));
  const first = guests[0];
  if (!first) throw new Error("no guest");
  const matchId = await api.createMatch(first.token, { game: "runner", seats: 4, options: { durationSeconds: 10 }, ...extra });
  const socks: TestSocket[] = [];
  const welcomes = [];
  for (const g of guests) {
    const s = (await join(g, matchId)).startHeartbeat();
    welcomes.push(await s.next("welcome"));
    socks.push(s);
  }
  return { matchId, socks, welcomes };
}
