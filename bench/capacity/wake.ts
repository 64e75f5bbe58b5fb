/**
 * Wake from hibernation, measured where a Connect Four room really hibernates
 * (wake-figure.ts says which states and why). Per state, W rooms:
 *
 * - `waiting`: created, the creator's socket connected, nobody else: the match
 *   waits for its second player, no liveness watchdog is pending;
 * - `finished`: both players connected, two moves, then a resignation; both
 *   sockets stay open;
 * - `in-play`: both players connected mid-game: the control, which the
 *   watchdog keeps awake (docs/reliability.md §6).
 *
 * Each room answers one `sync` while awake (warm), then its public `stateHash`
 * is read (GET status: the last event the room sees), and every room is left
 * idle together for `idleSeconds` with its sockets open and pinging (the text
 * "ping" is answered by the runtime's auto-response without waking the
 * object). workerd hibernates an object about 10 s after its last event. Then,
 * one room at a time: a `sync` frame on the open socket (a frame the room has
 * to answer itself) and the time to its reply; afterwards the operator metrics'
 * `bornAt` tells whether the instance that answered was born by that `sync` (a
 * real wake: born no earlier than the frame was sent; born earlier in the idle
 * period means something else, such as an alarm, woke it first) and the status
 * whether the `stateHash` is unchanged. Only rooms the `sync` woke count in the
 * wake figures.
 */
import type { Rng } from "../../src/games/rng";
import type { Api, Guest } from "../../test/support/api";
import { pool, sleep } from "../rooms";
import { C4Player, openC4, playMove, statusHash, type C4Room } from "./c4-player";
import { wakeFigure, type WakeFigure, type WakeSample, type WakeState } from "./wake-figure";

export interface WakeRooms {
  readonly state: WakeState;
  readonly rooms: readonly C4Room[];
}

/** Set up `count` rooms in `state` from `guests` (two per room). */
export async function setUpWakeRooms(api: Api, state: WakeState, guests: readonly Guest[], count: number, rng: Rng): Promise<WakeRooms> {
  const rooms = await pool(Array.from({ length: count }, (_, i) => i), 8, async (i): Promise<C4Room> => {
    const a = guests[2 * i] as Guest;
    const b = guests[2 * i + 1] as Guest;
    if (state === "waiting") {
      const matchId = await api.createMatch(a.token, { game: "connect-four", seats: 2 });
      const creator = await C4Player.connect((await api.ticket(a.token, matchId)).url);
      return { matchId, players: [creator], heights: [0, 0, 0, 0, 0, 0, 0], turn: 0 };
    }
    return openC4(api, a, b);
  });
  for (const room of rooms) {
    if (state === "waiting") continue;
    await playMove(room, rng);
    await playMove(room, rng);
    if (state === "finished" && !(await room.players[0]?.resign())) throw new Error(`wake: room ${room.matchId} did not end on resign`);
  }
  return { state, rooms };
}

/**
 * Measure wake over every set at once: warm syncs, hashes, one idle period for all, then per room the first
 * sync, `bornAt` and the hash. `operator` reads a room's `bornAt` from the operator metrics.
 */
export async function measureWake(
  api: Api,
  sets: readonly WakeRooms[],
  idleSeconds: number,
  bornAt: (matchId: string) => Promise<number>,
  log: (m: string) => void,
): Promise<WakeFigure[]> {
  const warm = new Map<WakeState, number[]>();
  for (const set of sets) {
    const ms: number[] = [];
    for (const room of set.rooms) {
      const m = await room.players[0]?.sync();
      if (m !== null && m !== undefined) ms.push(m);
    }
    warm.set(set.state, ms);
  }
  const before = new Map<string, string | null>();
  for (const set of sets) for (const room of set.rooms) before.set(room.matchId, (await statusHash(api, room.matchId)).hash);
  const idleFrom = Date.now();
  log(`  wake: ${sets.map((s) => `${s.rooms.length} ${s.state}`).join(", ")} rooms idle for ${idleSeconds} s (sockets open, pinging)`);
  await sleep(idleSeconds * 1000);
  const figures: WakeFigure[] = [];
  for (const set of sets) {
    const samples: WakeSample[] = [];
    for (const room of set.rooms) {
      // Wall clock on both sides (workerd's Date.now() runs normally locally); 1 ms of rounding allowed.
      const sentAt = Date.now() - 1;
      const ms = (await room.players[0]?.sync()) ?? null;
      const born = await bornAt(room.matchId);
      const after = await statusHash(api, room.matchId);
      samples.push({ ms, reborn: born >= sentAt, wokenBefore: born > idleFrom && born < sentAt, hashEqual: after.hash !== null && after.hash === before.get(room.matchId) });
    }
    const f = wakeFigure(set.state, samples, warm.get(set.state) ?? [], idleSeconds);
    figures.push(f);
    // Which rooms were slowest, by their place in the sequence: a tail in the first rooms after the idle period is the runtime's, not the room's.
    const slowest = samples.map((s, i) => ({ i, ms: s.ms ?? Infinity })).sort((a, b) => b.ms - a.ms).slice(0, 3).map((s) => `#${s.i + 1} ${Math.round(s.ms * 10) / 10} ms`);
    log(`  wake (${set.state}): ${f.evicted}/${f.rooms} rooms evicted; wake p50/p99 ${f.wakeMs.p50}/${f.wakeMs.p99} ms (warm ${f.warmMs.p50}/${f.warmMs.p99}); slowest ${slowest.join(", ")}; hash equal ${f.hashEqual}/${f.rooms}; unanswered ${f.unanswered}; woken earlier by something else ${f.wokenBefore}`);
  }
  return figures;
}
