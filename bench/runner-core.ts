/**
 * A bare room core running a 4-player runner match with every seat connected, for the in-process
 * loop benches (bench/room-tick.ts: CPU and bytes; bench/room-loop-alloc.ts: allocation).
 */
import type { AnyGame } from "../src/games/types";
import { newRecord } from "../src/room/core/record";
import { RoomCore } from "../src/room/core/room-core";
import { CreateMatchRequest, resolveSettings } from "../src/room/core/settings";

export const RUNNER_SEATS = 4;

export function runnerCore(game: AnyGame, seed: number, now: number, durationSeconds: number): RoomCore {
  const req = CreateMatchRequest.parse({ game: "runner", seats: RUNNER_SEATS, options: { durationSeconds } });
  const settings = resolveSettings(game, req);
  if (!settings.ok) throw new Error(settings.message);
  const core = new RoomCore(game, newRecord("m".repeat(32), settings.settings, { playerId: "p0", name: "Zero" }, seed.toString(16).padStart(64, "0"), now));
  for (let i = 0; i < RUNNER_SEATS; i++) core.connect({ connId: `c${i}`, playerId: `p${i}`, name: `p${i}`, role: "player", version: 1, newSession: `s${i}`, resume: null }, now);
  core.drain();
  return core;
}
