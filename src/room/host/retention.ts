/**
 * Retention: a closed room archives its replay document to R2 (the ARCHIVE binding) and then deletes
 * its own storage. The deadline is the core's `retention` timer (record.deleteAt, on the room's one
 * alarm); this file does the I/O the timer asks for. Without an ARCHIVE binding rooms keep their
 * storage (retention off), since deleting would lose their replays.
 */
import { archiveKey } from "../../shared/archive";
import { readWholeNumberSetting } from "../../shared/whole-number-setting";
import { DEFAULT_RETENTION_MS, type RoomRecord } from "../core/record";

export interface RetentionEnv {
  readonly ARCHIVE?: R2Bucket;
  /**
   * Time a closed room keeps its storage, in ms ("900000" = 15 minutes, the default). As the runtime gives
   * it (a string from [vars], or whatever the deployment set): `retentionMs` reads it (whole-number-setting.ts).
   */
  readonly RETENTION_MS?: unknown;
}

/**
 * The window for new rooms: null (keep forever) without an archive; else RETENTION_MS, or 15 minutes if
 * unset, blank or invalid (an invalid value is named in /health's notes: config.ts).
 */
export function retentionMs(env: RetentionEnv | null): number | null {
  if (!env?.ARCHIVE) return null;
  const setting = readWholeNumberSetting(env.RETENTION_MS, 0);
  return setting.kind === "value" ? setting.value : DEFAULT_RETENTION_MS;
}

/**
 * Archive the replay (rooms that played at least one round) and delete every row and the alarm.
 * Not ok when a rating report is still owed (`reportsPending`: it is delivered first) or the archive
 * could not be written: nothing is deleted, and the retention timer, re-armed by the core, tries again.
 */
export async function archiveAndDelete(
  storage: DurableObjectStorage,
  bucket: R2Bucket | undefined,
  record: RoomRecord,
  replayJson: () => string,
  reportsPending: boolean,
): Promise<{ ok: true; archived: boolean } | { ok: false; message: string }> {
  if (reportsPending) return { ok: false, message: "a rating report is still owed" };
  const played = record.round > 0;
  if (played) {
    if (!bucket) return { ok: false, message: "no ARCHIVE binding" };
    try {
      await bucket.put(archiveKey(record.matchId), replayJson(), { httpMetadata: { contentType: "application/json" } });
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  }
  await storage.deleteAlarm();
  await storage.deleteAll();
  return { ok: true, archived: played };
}
