/**
 * (c) Robustness: the game never throws — apply on arbitrary JSON that gets
 * past its inputSchema, from any seat, in any state reached (over ones too);
 * forfeit of any seat for any reason; view, result, turn and secrets — and
 * refuses with `{ok: false, code, message}`. The room answers garbage frames
 * with error frames, survives every fuzzed frame, and still greets newcomers.
 */
import { Rng } from "../../games/rng";
import type { Seat } from "../../games/types";
import { decodeClientFrame } from "../../protocol";
import { RoomStepper } from "../room-stepper";
import { seatsFor, type Resolved } from "./options";
import { msgpackBytes } from "./plain-data";
import { randomJson, sampleOf } from "./random-values";
import { walk } from "./walk";

const REASONS = ["timeout", "forfeit", "resign"] as const;

export function checkFuzz(r: Resolved): void {
  r.seeds.forEach((seed, i) => fuzzGame(r, seed, seatsFor(r, i)));
  fuzzRoom(r, r.seeds[0] ?? 1);
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${what} threw: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function fuzzGame(r: Resolved, seed: number, seats: number): void {
  const g = r.game;
  const rng = new Rng(seed ^ 0xf022);
  const states: unknown[] = [];
  walk(r, seed, seats, (s) => void (states.length < 400 && rng.int(g.realtime ? 10 : 2) === 0 ? states.push(s) : undefined));
  const w = walk(r, seed, seats);
  states.push(w.states[w.states.length - 1]);
  states.forEach((state, k) => {
    const where = `seed ${seed}, ${seats} seats, state ${k}`;
    for (let n = 0; n < 12; n++) {
      const candidate = n % 2 === 0 ? randomJson(rng) : sampleOf(g.inputSchema, rng);
      const parsed = g.inputSchema.safeParse(candidate);
      if (!parsed.success) continue;
      const seat: Seat = rng.int(seats);
      const out = guard(`${where}: apply(${JSON.stringify(parsed.data)}) by seat ${seat}`, () => g.apply(state, parsed.data, { seat, by: rng.int(2) === 0 ? "human" : "ai" }));
      if (!out.ok && (typeof out.code !== "string" || out.code.length === 0 || typeof out.message !== "string")) {
        throw new Error(`${where}: apply refused ${JSON.stringify(parsed.data)} without a {ok: false, code, message} answer`);
      }
    }
    for (let seat = 0; seat < seats; seat++) {
      for (const reason of REASONS) guard(`${where}: forfeit(seat ${seat}, ${reason})`, () => g.forfeit(state, seat, reason));
      guard(`${where}: view(seat ${seat})`, () => g.view(state, seat));
    }
    guard(`${where}: view(spectator)`, () => g.view(state, null));
    guard(`${where}: result`, () => g.result(state));
    guard(`${where}: turn`, () => g.turn(state));
    if (g.secrets) guard(`${where}: secrets`, () => g.secrets?.(state));
  });
}

/** One fuzzed frame: garbage must get an error frame; well-formed frames just must not break the room. */
function fuzzFrame(rng: Rng, r: Resolved, id: number): { data: Uint8Array | string; garbage: boolean } {
  switch (rng.int(6)) {
    case 0:
      return { data: Uint8Array.from({ length: 1 + rng.int(40) }, () => rng.int(256)), garbage: true };
    case 1:
      return { data: msgpackBytes(randomJson(rng)), garbage: true };
    case 2:
      return { data: `text ${rng.int(1000)}`, garbage: true };
    case 3:
      return { data: msgpackBytes({ t: "input", id, data: randomJson(rng) }), garbage: false };
    case 4:
      return { data: msgpackBytes({ t: "input", id, data: sampleOf(r.game.inputSchema, rng) }), garbage: false };
    default:
      return { data: msgpackBytes(rng.int(2) === 0 ? { t: "sync", c: rng.int(1e6) } : { t: "ackCritical", seq: 1 + rng.int(50) }), garbage: false };
  }
}

function fuzzRoom(r: Resolved, seed: number): void {
  const g = r.game;
  const seats = g.seats.min;
  const room = new RoomStepper({ game: g.id, seats, options: r.rawOptions }, { games: [g], seed });
  const rng = new Rng(seed ^ 0xbad);
  const conns = Array.from({ length: seats }, (_, s) => `c${s}`);
  conns.forEach((c, s) => room.connect(c, `p${s}`));
  room.connect("spectator", "watcher", "spectator");
  conns.push("spectator");
  // Paced under the game's rate limit, so every frame is judged on its content.
  const gapMs = Math.ceil(1000 / g.rateLimit.perSecond) + 1;
  let errorsSeen = 0;
  for (let n = 1; n <= 120; n++) {
    const k = rng.int(conns.length);
    const conn = conns[k] ?? "spectator";
    const { data, garbage } = fuzzFrame(rng, r, n);
    const before = room.frames(conn).length;
    guard(`the room, on fuzzed frame ${n}`, () => room.send(conn, data));
    const answers = room.frames(conn).slice(before);
    if (garbage && !decodeClientFrame(data).ok) {
      if (answers.some((f) => f.t === "error")) errorsSeen++;
      else if (!room.closed.has(conn)) throw new Error(`the room answered garbage frame ${n} with ${answers.map((f) => f.t).join(", ") || "nothing"}, not an error frame`);
    }
    // A connection closed for abuse comes back under a new id, as a client would.
    if (room.closed.has(conn)) {
      const again = `${conn}-again-${n}`;
      const spectator = conn.startsWith("spectator");
      conns[k] = again;
      room.connect(again, spectator ? "watcher" : `p${k}`, spectator ? "spectator" : "player");
    }
    guard("the room, advancing its clock", () => room.advance(gapMs));
  }
  if (errorsSeen === 0) throw new Error("no garbage frame got an error frame back: the room fuzzing checked nothing");
  room.connect("newcomer", "late-watcher", "spectator");
  if (room.last("newcomer", "welcome") === undefined) throw new Error("after the fuzzed frames the room no longer greets a new spectator");
}
