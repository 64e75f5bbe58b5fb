/**
 * A whole match played through the hand-stepped room: humans on connections
 * the suite drives (inputs from the game's generator, its AI or its schema,
 * with some refused ones mixed in), the room's AI on the other seats when
 * asked, optionally a spectator, and optionally a drop and resume mid-match.
 */
import { GameRegistry } from "../../games/registry";
import { Rng } from "../../games/rng";
import type { Seat } from "../../games/types";
import type { ReplayDocument } from "../../protocol";
import { AI_LEVELS } from "../../room/core/settings";
import { RoomStepper } from "../room-stepper";
import { legalInput, noiseInput, someInput } from "./input-source";
import type { Resolved } from "./options";

export interface RoomMatchPlan {
  readonly seed: number;
  readonly seats: number;
  /** Seats after the first are the room's AI (games with an AI only). */
  readonly ai: boolean;
  readonly spectator: boolean;
  /** Drop one player and the spectator a third of the way in, and resume them a little later. */
  readonly resume: boolean;
  /** Called before anyone connects (to tap the room's output). `seatOf` maps connection ids to seats (null: spectator). */
  readonly before?: (room: RoomStepper, seatOf: ReadonlyMap<string, Seat | null>) => void;
}

export interface RoomMatch {
  readonly room: RoomStepper;
  /** Whether the drop-and-resume happened (a match can end before it). */
  readonly resumed: boolean;
}

export function playInRoom(r: Resolved, plan: RoomMatchPlan): RoomMatch {
  const g = r.game;
  const level = AI_LEVELS.find((l) => l === r.aiLevel) ?? "easy";
  const room = new RoomStepper({ game: g.id, mode: plan.ai ? "ai" : "pvp", aiLevel: level, seats: plan.seats, options: r.rawOptions }, { games: [g], seed: plan.seed });
  const rng = new Rng(plan.seed ^ 0x600d);
  const humans = plan.ai ? [0] : Array.from({ length: plan.seats }, (_, s) => s);
  const conn = new Map<Seat, string>(humans.map((s) => [s, `c${s}`]));
  const seatOf = new Map<string, Seat | null>([...conn].map(([s, c]) => [c, s]));
  let spectator = plan.spectator ? "spectator" : null;
  if (spectator) seatOf.set(spectator, null);
  plan.before?.(room, seatOf);
  const ids = new Map<Seat, number>();
  const nextId = (seat: Seat) => {
    const id = (ids.get(seat) ?? 0) + 1;
    ids.set(seat, id);
    return id;
  };
  for (const [s, c] of conn) room.connect(c, `p${s}`);
  if (spectator) room.connect(spectator, "watcher", "spectator");

  const tickMs = g.realtime ? 1000 / g.realtime.snapshotHz : Math.max(g.timing.aiThinkMs ?? 0, 100) + 10;
  const limit = g.realtime ? Math.ceil(g.realtime.maxTicks / g.realtime.tickHz) * 1000 + 60_000 : r.maxSteps * tickMs;
  // Early enough that most matches are still on (a few moves in, or a few seconds into a race).
  const dropAt = g.realtime ? 3_000 : 5 * tickMs;
  let resumed = false;
  let away: { seat: Seat; session: string; lastSeq: number; spectatorSeq: number | null; back: number } | null = null;
  for (let t = 0; t < limit && room.core.record.status !== "finished"; t += tickMs) {
    const state = room.core.record.game;
    if (room.core.record.status === "playing" && state !== null) {
      const turn = g.realtime ? null : g.turn(state);
      for (const [seat, c] of conn) {
        if (away?.seat === seat || (turn !== null && turn !== seat)) continue;
        if (g.realtime && rng.int(3) !== 0) continue;
        if (rng.int(10) === 0) room.send(c, { t: "input", id: nextId(seat), data: noiseInput(r, rng) });
        const input = g.realtime ? someInput(r, state, seat, rng) : legalInput(r, state, seat, rng);
        if (input !== null) room.send(c, { t: "input", id: nextId(seat), data: input });
      }
    }
    if (plan.resume && !resumed && away === null && t >= dropAt && room.core.record.status === "playing") {
      const seat = humans[humans.length - 1] ?? 0;
      const c = conn.get(seat) ?? "";
      const w = room.frames(c).find((f) => f.t === "welcome");
      away = { seat, session: w?.t === "welcome" ? w.session : "", lastSeq: lastSeq(room, c), spectatorSeq: spectator ? lastSeq(room, spectator) : null, back: t + 4 * tickMs };
      room.disconnect(c);
      if (spectator) room.disconnect(spectator);
    }
    if (away && t >= away.back) {
      const c = `c${away.seat}-resumed`;
      seatOf.set(c, away.seat);
      conn.set(away.seat, c);
      room.connect(c, `p${away.seat}`, "player", 1, { session: away.session, lastSeq: away.lastSeq });
      if (spectator && away.spectatorSeq !== null) {
        spectator = "spectator-resumed";
        seatOf.set(spectator, null);
        room.connect(spectator, "watcher", "spectator", 1, { session: null, lastSeq: away.spectatorSeq });
      }
      away = null;
      resumed = true;
    }
    room.advance(tickMs);
  }
  return { room, resumed };
}

/** The last update seq a connection has seen (from its welcomes and updates). */
export function lastSeq(room: RoomStepper, conn: string): number {
  let seq = 0;
  for (const f of room.frames(conn)) if (f.t === "welcome" || f.t === "update") seq = Math.max(seq, f.seq);
  return seq;
}

/** The replay document of the room's match, as GET /api/matches/:id/replay serves it. */
export function replayOf(room: RoomStepper): ReplayDocument {
  const rec = room.core.record;
  return { matchId: rec.matchId, game: rec.settings.game, settings: rec.settings, status: rec.status, result: rec.result, rounds: rec.reveals, actions: room.actions };
}

export function registryOf(r: Resolved): GameRegistry {
  return new GameRegistry([r.game]);
}
