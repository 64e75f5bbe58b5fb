/**
 * Setting rooms up through the public HTTP API: a reusable pool of guest
 * identities, then per room one match (`runner`, 4 seats) and four bots that
 * each fetch a join ticket and connect. The match starts when all four are in.
 */
import { Api, type Guest } from "../test/support/api";
import { Bot } from "./bot";

export const SEATS = 4;

export interface Room {
  readonly matchId: string;
  readonly bots: Bot[];
}

/** Run `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Guest identities are reused from step to step (tokens last a day); only the missing ones are created. */
export class GuestPool {
  private readonly guests: Guest[] = [];

  constructor(private readonly api: Api) {}

  async take(n: number): Promise<Guest[]> {
    const missing = Math.max(0, n - this.guests.length);
    const created = await pool(Array.from({ length: missing }), 16, (_, i) => this.api.guest(`bot${this.guests.length + i}`));
    this.guests.push(...created);
    return this.guests.slice(0, n);
  }
}

export interface RoomOptions {
  /** Whole match length including the 3 s countdown (runner: 10 to 90). */
  readonly durationSeconds: number;
}

/**
 * Create one 4-seat runner match and connect its four bots. `graceMs` is the
 * minimum (1 s) so that closing the bots ends the match quickly and a
 * finished step does not keep simulating into the next one.
 */
export async function openRoom(api: Api, guests: readonly Guest[], opts: RoomOptions, track: (bot: Bot) => void): Promise<Room> {
  const creator = guests[0];
  if (!creator || guests.length !== SEATS) throw new Error(`openRoom needs ${SEATS} guests`);
  const matchId = await api.createMatch(creator.token, {
    game: "runner",
    seats: SEATS,
    graceMs: 1000,
    options: { durationSeconds: opts.durationSeconds },
  });
  const tickets = await Promise.all(guests.map((g) => api.ticket(g.token, matchId)));
  const bots = await Promise.all(
    tickets.map(async (t) => {
      const bot = await Bot.connect(t.url);
      track(bot);
      return bot;
    }),
  );
  return { matchId, bots };
}

/** Open `count` rooms, `concurrency` at a time; `guests` holds SEATS × count identities. */
export function openRooms(api: Api, guests: readonly Guest[], count: number, opts: RoomOptions, track: (bot: Bot) => void): Promise<Room[]> {
  const indices = Array.from({ length: count }, (_, i) => i);
  return pool(indices, 8, (i) => openRoom(api, guests.slice(i * SEATS, (i + 1) * SEATS), opts, track));
}

/** Resolve once every bot has received a snapshot (the match started), or reject after `timeoutMs`. */
export async function waitForSnapshots(rooms: readonly Room[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const waiting = rooms.flatMap((r) => r.bots).filter((b) => b.snaps.length === 0).length;
    if (waiting === 0) return;
    if (performance.now() > deadline) throw new Error(`${waiting} bots received no snapshot within ${timeoutMs} ms`);
    // Polling the bots' own sample arrays (no event to wait on across hundreds of sockets).
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
