/** workerd-side helpers for matchmaking: join a queue, hold its socket, read its JSON frames. */
import { SELF, env } from "cloudflare:test";
import type { Guest } from "../support/api";
import type { QueueMessage } from "../../src/protocol/matchmaking-api";
import { queueKey } from "../../src/matchmaking/queue-key";
import { api, track, upgrade } from "./helpers";
import { TestSocket } from "../support/test-socket";

let address = 0;
/** A distinct client address per request, so the per-address caps only bite in the test about them. */
export const freshAddress = () => `198.51.100.${(address++ % 250) + 1}`;

export async function enqueue(guest: Guest, body: Record<string, unknown>, ip = freshAddress()): Promise<Response> {
  return SELF.fetch(`${api.base}/api/queue`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${guest.token}`, "CF-Connecting-IP": ip },
    body: JSON.stringify(body),
  });
}

/** The waiting socket of a queue entry: its JSON frames in order, and how it closed. */
export class QueueSocket {
  readonly frames: QueueMessage[] = [];
  private waiters: { type: string; resolve: (m: QueueMessage) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    this.closed = new Promise((resolve) => ws.addEventListener("close", (ev) => resolve({ code: ev.code, reason: ev.reason })));
    ws.addEventListener("message", (ev) => {
      const frame = JSON.parse(String(ev.data)) as QueueMessage;
      this.frames.push(frame);
      const i = this.waiters.findIndex((w) => w.type === frame.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(frame);
    });
    opened.push(this);
  }

  next<T extends QueueMessage["type"]>(type: T): Promise<Extract<QueueMessage, { type: T }>> {
    const have = this.frames.find((f) => f.type === type);
    if (have) return Promise.resolve(have as Extract<QueueMessage, { type: T }>);
    return new Promise((resolve) => this.waiters.push({ type, resolve: (m) => resolve(m as Extract<QueueMessage, { type: T }>) }));
  }

  close(): void {
    try {
      this.ws.close(1000, "bye");
    } catch {
      // already closed
    }
  }
}
const opened: QueueSocket[] = [];
export async function closeQueueSockets(): Promise<void> {
  const all = opened.splice(0);
  for (const s of all) s.close();
  await Promise.all(all.map((s) => s.closed));
}

export async function openQueueSocket(url: string): Promise<QueueSocket> {
  const res = await upgrade(url.replace(/^ws/, "http"));
  if (res.status !== 101 || !res.webSocket) throw new Error(`queue upgrade failed: ${res.status} ${await res.text()}`);
  return new QueueSocket(res.webSocket);
}

/** Join and connect: the entry and its socket, once the queue said "queued". */
export async function queueUp(guest: Guest, body: Record<string, unknown>) {
  const res = await enqueue(guest, body);
  if (res.status !== 201) throw new Error(`queue: ${res.status} ${await res.text()}`);
  const entry = (await res.json()) as { ticketId: string; url: string };
  const socket = await openQueueSocket(entry.url);
  return { ...entry, socket };
}

/** Join and wait in one upgrade (GET /api/queue/ws?game=…), the token in the bearer subprotocol unless `protocols` says otherwise. */
export function socketJoin(query: string, protocols: string[]): Promise<Response> {
  return upgrade(`${api.base}/api/queue/ws?${query}`, { "Sec-WebSocket-Protocol": protocols.join(", "), "CF-Connecting-IP": freshAddress() });
}
export const joinProtocols = (guest: Guest) => ["edgeroom.queue", `edgeroom.bearer.${guest.token}`];

/** Open the room socket with the ticket the queue sent. */
export async function joinMatched(matched: Extract<QueueMessage, { type: "matched" }>): Promise<TestSocket> {
  const res = await upgrade(matched.url.replace(/^ws/, "http"));
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`room upgrade failed: ${res.status}`);
  ws.accept();
  ws.binaryType = "arraybuffer";
  return track(new TestSocket(ws));
}

export function queueStub(game: string, mode: string, seats: number) {
  return env.QUEUES!.get(env.QUEUES!.idFromName(queueKey(game, mode, seats)));
}
