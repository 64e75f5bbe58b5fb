/**
 * A match's record in and out of the host: a new one from the worker's create request, the core rebuilt
 * from storage when an instance starts, and the replay document. The host does the I/O around them.
 */
import type { GameRegistry } from "../../games/registry";
import type { AnyGame } from "../../games/types";
import { carriedEntries } from "../core/carried-log";
import { newRecord, type Creator, type RoomRecord } from "../core/record";
import { RoomCore } from "../core/room-core";
import { CreateMatchRequest, resolveSettings } from "../core/settings";
import { restoreOps, type OpsCounters } from "./ops-counters";
import type { RoomStorage } from "./storage";

export type NewMatch = { ok: true; game: AnyGame; record: RoomRecord } | { ok: false; status: 400; message: string };

/**
 * The request checked against the schema, the game looked up, its settings resolved, a fresh 256-bit
 * match secret drawn (each round's seed and salt derive from it). Nothing is stored here.
 */
export function newMatch(games: GameRegistry, matchId: string, request: unknown, creator: Creator, now: number, retentionMs: number | null): NewMatch {
  const parsed = CreateMatchRequest.safeParse(request);
  if (!parsed.success) return { ok: false, status: 400, message: parsed.error.issues[0]?.message ?? "invalid request" };
  const game = games.find(parsed.data.game);
  if (!game) return { ok: false, status: 400, message: `Unknown game "${parsed.data.game}".` };
  const resolved = resolveSettings(game, parsed.data);
  if (!resolved.ok) return { ok: false, status: 400, message: resolved.message };
  const secret = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { ok: true, game, record: newRecord(matchId, resolved.settings, creator, secret, now, retentionMs) };
}

/**
 * The replay document as JSON text: settings, status, result, each round's revealed seed and salt, and
 * the ordered action log (the stored actions, then those not yet written). Text, because game data is
 * open-ended and RPC types want it closed.
 */
export function replayDocument(rec: RoomRecord, storedActions: readonly unknown[]): string {
  return JSON.stringify({ matchId: rec.matchId, game: rec.settings.game, settings: rec.settings, status: rec.status, result: rec.result, rounds: rec.reveals, actions: [...storedActions, ...carriedEntries(rec.pendingLog)], closedBy: rec.closedBy });
}

/**
 * The core of the match stored here, with the instance's counters restored; null when no match was
 * ever created here, or (logged) when the stored record is unreadable or names a game this deployment
 * does not have.
 */
export function loadCore(store: RoomStorage, games: GameRegistry, ops: OpsCounters, error: (event: string, fields: Record<string, unknown>) => void): RoomCore | null {
  const loaded = store.load();
  if (!loaded.ok) {
    error("storage_corrupt", { message: loaded.message });
    return null;
  }
  if (!loaded.record) return null;
  restoreOps(ops, loaded.ops);
  const game = games.find(loaded.record.settings.game);
  if (!game) {
    error("unknown_game", { game: loaded.record.settings.game });
    return null;
  }
  return new RoomCore(game, loaded.record, store.journal());
}
