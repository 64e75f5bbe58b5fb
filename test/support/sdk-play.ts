/**
 * Helpers for end-to-end tests that play Connect Four with SDK clients: wait for an event or a room
 * state, read the board, make a move, and check the order in which updates were applied.
 */
import { expect } from "vitest";
import type { AppliedUpdate, ClientEvents, GameClient, InputOutcome, WelcomeEvent } from "../../src/client/internal";
import type { RoomSnapshot } from "../../src/protocol";

/** What these helpers need of a test's player: its client and what it recorded. */
export interface SdkPlayer {
  readonly client: GameClient<unknown>;
  readonly updates: AppliedUpdate[];
  readonly welcomes: WelcomeEvent[];
  readonly outcomes: InputOutcome[];
}

/** The next `event` whose payload satisfies `pred`. */
export function next<K extends keyof ClientEvents>(client: GameClient<unknown>, event: K, pred: (payload: ClientEvents[K]) => boolean = () => true): Promise<ClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!pred(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Resolve once the client's latest room satisfies `pred` (checked now and after every welcome/update). */
export function untilRoom(client: GameClient<unknown>, pred: (room: RoomSnapshot) => boolean): Promise<RoomSnapshot> {
  return new Promise((resolve) => {
    const check = () => {
      const room = client.room;
      if (!room || !pred(room)) return;
      offs.forEach((off) => off());
      resolve(room);
    };
    const offs = [client.on("update", check), client.on("welcome", check)];
    check();
  });
}

/** Discs on a Connect Four board. */
export function discs(room: RoomSnapshot): number {
  const view = room.view;
  if (typeof view !== "object" || view === null || !("moves" in view) || typeof view.moves !== "number") throw new Error("not a Connect Four view");
  return view.moves;
}

export function seatOf(p: SdkPlayer): number {
  const seat = p.client.welcome?.you.seat;
  if (seat === null || seat === undefined) throw new Error("no seat");
  return seat;
}

/** Play one move for `p` once it is its turn and `before` discs are down; returns the outcome. */
export async function move(p: SdkPlayer, before: number, column: number): Promise<InputOutcome> {
  await untilRoom(p.client, (r) => r.status === "playing" && r.turn === seatOf(p) && discs(r) === before);
  const outcome = await p.client.send({ type: "dropDisc", column });
  p.outcomes.push(outcome);
  return outcome;
}

/** Seqs applied by a client must be contiguous (+1) from its first welcome, except where the room sent a snapshot. */
export function expectContiguous(p: SdkPlayer): void {
  let prev = p.welcomes[0]?.frame.seq ?? 0;
  const snapshots = new Set(p.welcomes.filter((w) => w.plan.kind !== "replayed").map((w) => w.frame.seq));
  for (const u of p.updates) {
    expect(u.seq === prev + 1 || snapshots.has(u.seq - 1), `seq ${u.seq} after ${prev}`).toBe(true);
    prev = u.seq;
  }
}
