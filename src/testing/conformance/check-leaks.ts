/**
 * (d) Hidden information: while a round is played, no frame a connection
 * receives (welcome with its journal replay and re-delivered critical
 * updates, update events and room.view, ack, gameError, error, snap) holds
 * another seat's secret, whether read off the WebSocket or decoded from the
 * HTTP fallback's event stream; the state hash is withheld; and the finished
 * match still re-simulates. Matches are played between driven players with a
 * spectator and a drop-and-resume, and (games with an AI) against the AI.
 */
import type { Seat } from "../../games/types";
import { decodeServerFrame, SseParser, sseFrameBytes, type ServerFrame } from "../../protocol";
import { verifyReplay } from "../../replay/verify";
import type { RoomStepper, StepperOutput } from "../room-stepper";
import { seatsFor, type Resolved } from "./options";
import { deepEqual, findValue, secretNeedles } from "./plain-data";
import { playInRoom, registryOf, replayOf } from "./room-match";

/** What the check saw, so a run that could not exercise a path fails instead of passing vacuously. */
export interface LeakCoverage {
  readonly frames: Map<ServerFrame["t"], number>;
  resumedWithReplay: number;
  secretsSeen: number;
}

export function checkLeaks(r: Resolved): LeakCoverage {
  const coverage: LeakCoverage = { frames: new Map(), resumedWithReplay: 0, secretsSeen: 0 };
  if (!r.game.secrets) return coverage;
  r.seeds.forEach((seed, i) => {
    const seats = Math.max(2, seatsFor(r, i));
    const ai = r.game.ai !== undefined && !r.game.realtime && i % 3 === 2;
    const where = `seed ${seed}, ${seats} seats${ai ? " against the AI" : ""}`;
    const { room } = playInRoom(r, {
      seed,
      seats,
      ai,
      spectator: true,
      resume: true,
      before: (stepper, seatOf) => {
        const past: PastNeedle[] = [];
        stepper.tap((out) => inspect(r, stepper, seatOf, out, coverage, where, past));
      },
    });
    if (room.core.record.status === "finished") {
      const v = verifyReplay(JSON.parse(JSON.stringify(replayOf(room))), registryOf(r));
      if (!v.ok) throw new Error(`${where}: after the end the replay no longer re-simulates: ${v.reason}`);
    }
  });
  // Turn-based inputs are answered with ack and gameError frames; real-time ones through snapshots.
  const expected: ServerFrame["t"][] = r.game.realtime ? ["welcome", "update", "snap"] : ["welcome", "update", "ack", "gameError"];
  const missing = expected.filter((t) => (coverage.frames.get(t) ?? 0) === 0);
  if (missing.length > 0) throw new Error(`the leak check saw no ${missing.join(", ")} frame while a round was played: it could not check them`);
  if (coverage.resumedWithReplay === 0) throw new Error("the leak check never resumed a connection with a journal replay mid-round");
  if (coverage.secretsSeen === 0) throw new Error("secrets() returned nothing while rounds were played: there was nothing to check");
  return coverage;
}

/** A secret seen earlier in the match, and one of the needles it is searched by. */
interface PastNeedle {
  readonly whole: unknown;
  readonly needle: unknown;
}

/** One match's inspection: `past` holds every secret seen so far in it. */
function inspect(r: Resolved, room: RoomStepper, seatOf: ReadonlyMap<string, Seat | null>, out: StepperOutput, coverage: LeakCoverage, where: string, past: PastNeedle[]): void {
  if (out.kind !== "frame") return;
  const rec = room.core.record;
  if (rec.status !== "playing" || rec.game === null || !r.game.secrets) return;
  const viewer = seatOf.get(out.conn);
  if (viewer === undefined) return;
  const who = viewer === null ? "a spectator" : `seat ${viewer}`;
  const overSse = throughSse(out.bytes);
  if (!deepEqual(overSse, out.frame)) throw new Error(`${where}: a ${out.frame.t} frame to ${who} decodes differently from the HTTP fallback's event stream`);
  const frame = out.frame;
  coverage.frames.set(frame.t, (coverage.frames.get(frame.t) ?? 0) + 1);
  if (frame.t === "welcome") {
    if (frame.stateHash !== null) throw new Error(`${where}: a welcome to ${who} carries state hash ${frame.stateHash} while a game with secrets is played`);
    if (frame.resume.status === "replayed" && frame.replay.length > 0) coverage.resumedWithReplay++;
  }
  if (room.core.status().stateHash !== null) throw new Error(`${where}: the public status shows a state hash while a game with secrets is played`);
  const secrets = r.game.secrets(rec.game);
  coverage.secretsSeen += secrets.length;
  for (const s of secrets) {
    if (!past.some((p) => deepEqual(p.whole, s.value))) past.push(...secretNeedles(s.value).map((needle) => ({ whole: s.value, needle })));
  }
  // What the recipient may match anyway: its own secret (two seats can roll the same dice), and former
  // secrets that no longer are (a challenge reveals the hand's dice) should a new one happen to equal them.
  const expired = past.filter((p) => !secrets.some((s) => deepEqual(s.value, p.whole))).map((p) => p.needle);
  const excused = [...secrets.filter((s) => s.seat === viewer).flatMap((s) => secretNeedles(s.value)), ...expired];
  for (const s of secrets) {
    if (s.seat === viewer) continue;
    for (const needle of secretNeedles(s.value)) {
      if (excused.some((e) => deepEqual(e, needle))) continue;
      const at = findValue(frame, needle);
      if (at !== null) throw new Error(`${where}: seat ${s.seat}'s secret ${JSON.stringify(s.value)} reached ${who} in a ${frame.t} frame: ${JSON.stringify(needle)} at ${at}`);
    }
  }
}

/** The frame as a client on the HTTP fallback reads it: base64 in an SSE `frame` event, parsed back. */
function throughSse(bytes: Uint8Array): ServerFrame | null {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  const events = new SseParser().push(new TextEncoder().encode(`event: frame\ndata: ${btoa(binary)}\n\n`));
  const raw = events[0]?.event === "frame" ? sseFrameBytes(events[0].data) : null;
  const decoded = raw ? decodeServerFrame(raw) : null;
  return decoded?.ok ? decoded.value : null;
}
