/**
 * Hostile input at volume: 100,000 frames from a seeded corpus (test/support/hostile-frames.ts)
 * through the room core of both games, in workerd. Each hostile connection sends 9 frames (one
 * below the policy-close strike count) and is then replaced by a fresh one, so that every frame
 * must be answered: exactly one answer per frame, an `error` frame for every frame that is hostile
 * by construction, and no close. The match's state, hash and seq must not move, and what the room
 * retains (connections, journal) must stay bounded.
 */
import { describe, expect, it } from "vitest";
import { games } from "../../src/app/games";
import { ABUSE_LIMIT, stateHash } from "../../src/protocol";
import { newRecord } from "../../src/room/core/record";
import { RoomCore } from "../../src/room/core/room-core";
import { CreateMatchRequest, resolveSettings } from "../../src/room/core/settings";
import { hostileFrames } from "../support/hostile-frames";

const TOTAL = 100_000;
const PER_CONNECTION = ABUSE_LIMIT.strikes - 1;
const REFUSALS = new Set(["FRAME_TOO_LARGE", "MALFORMED_FRAME", "INVALID_FRAME", "TEXT_NOT_ALLOWED"]);

function startedRoom(gameId: string) {
  const game = games.find((g) => g.id === gameId)!;
  const settings = resolveSettings(game, CreateMatchRequest.parse({ game: gameId, mode: "pvp", seats: Math.max(2, game.seats.min) }));
  if (!settings.ok) throw new Error(settings.message);
  const now = Date.now();
  const core = new RoomCore(game, newRecord(`m-${gameId}`, settings.settings, { playerId: "p0", name: "P0" }, "0".repeat(64), now));
  for (let seat = 0; seat < settings.settings.seats; seat++) {
    core.connect({ connId: `seat-${seat}`, playerId: `p${seat}`, name: `P${seat}`, role: "player", version: 1, newSession: `s${seat}`, resume: null }, now);
  }
  core.drain();
  return core;
}

describe("hostile frames at volume", () => {
  for (const gameId of ["connect-four", "runner"]) {
    it(`${gameId}: answers every one of ${TOTAL / 2} hostile frames and changes nothing`, { timeout: 120_000 }, async () => {
      const core = startedRoom(gameId);
      expect(core.record.status).toBe("playing");
      const before = { seq: core.record.seq, hash: stateHash(core.record.game), game: JSON.stringify(core.record.game), journal: core.status().seq };
      const frames = hostileFrames(gameId === "runner" ? 2 : 1, TOTAL / 2);
      let answered = 0;
      let refused = 0;
      let hostile = 0;
      let conn = "";
      for (let i = 0; i < frames.length; i++) {
        const now = Date.now();
        if (i % PER_CONNECTION === 0) {
          conn = `mallory-${i}`;
          const d = core.connect({ connId: conn, playerId: "mallory", name: "Mallory", role: "spectator", version: 1, newSession: "x", resume: null }, now);
          expect(d.accepted).toBe(true);
          core.drain(); // the welcome, and the previous connection's SESSION_REPLACED close
        }
        const f = frames[i]!;
        const data = typeof f.data === "string" ? f.data : f.data.slice().buffer;
        core.message(conn, data, now);
        const fx = core.drain();
        const mine = [...fx.frames.filter((_, j) => fx.frameConns[j] === conn), ...fx.texts.filter((x) => x.conn === conn)];
        if (mine.length !== 1 || fx.closes.length > 0 || fx.persist) throw new Error(`frame ${i} (${f.kind}): ${mine.length} answers, ${fx.closes.length} closes, persist ${fx.persist}`);
        answered++;
        const answer = mine[0]!;
        const isRefusal = "t" in answer && answer.t === "error" && REFUSALS.has(answer.code);
        if (isRefusal) refused++;
        if (f.mustRefuse) {
          hostile++;
          if (!isRefusal) throw new Error(`hostile frame ${i} (${f.kind}) was not refused: ${JSON.stringify(answer)}`);
        }
      }
      console.log(`${gameId}: ${answered} frames answered, ${refused} refused, ${hostile} hostile by construction`);
      expect(answered).toBe(TOTAL / 2);
      // The corpus is seeded, so these counts are exact.
      expect(hostile).toBe(gameId === "runner" ? 26_278 : 26_367);
      expect(refused).toBe(TOTAL / 2); // random bytes happened to form no valid frame either
      expect({ seq: core.record.seq, hash: stateHash(core.record.game), game: JSON.stringify(core.record.game), journal: core.status().seq }).toEqual(before);
      // What the room keeps stays bounded: the seats' connections plus the one live hostile connection.
      expect(core.conns.all().length).toBe(core.record.seats.length + 1);
    });
  }
});
