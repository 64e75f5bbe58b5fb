/** Replays of deleted rooms, from the ARCHIVE bucket (R2); see src/room/host/retention.ts for the writer. */
import { archiveKey } from "../shared/archive";
import type { Env } from "./env";

/** The archived replay document (JSON text) of a match whose room deleted its storage, or null. */
export async function archivedReplay(env: Env, matchId: string): Promise<string | null> {
  const object = await env.ARCHIVE?.get(archiveKey(matchId));
  return object ? object.text() : null;
}
