/**
 * The room host's bindings, read from the `env` the runtime hands the Durable Object. The host is
 * typed `DurableObject<unknown>` (createEdgeroom binds it to any app's Env), so each binding is checked
 * here at run time instead of asserted with a cast: a binding counts only when it is an object with the
 * methods the room calls on it. An absent one leaves its feature off, as before: no RATINGS, no rating
 * reports; no ROOM_INDEX, no directory reports; no ARCHIVE, no retention (retention.ts).
 */
import type { RoomIndexObject } from "../../directory/room-index-object";
import type { RatingsObject } from "../../matchmaking/ratings-object";
import type { RetentionEnv } from "./retention";

export interface RoomEnv {
  /** The ratings store (rating-reports.ts calls `idFromName` and `get`). */
  readonly ratings: DurableObjectNamespace<RatingsObject> | undefined;
  /** The room index behind the directory (directory-reports.ts calls `idFromName` and `get`). */
  readonly roomIndex: DurableObjectNamespace<RoomIndexObject> | undefined;
  /** The archive bucket and the retention window as retention.ts reads them. */
  readonly retention: RetentionEnv;
}

/** The bindings the room uses; anything missing or of the wrong shape is undefined (its feature off). */
export function readRoomEnv(env: unknown): RoomEnv {
  if (typeof env !== "object" || env === null) return { ratings: undefined, roomIndex: undefined, retention: {} };
  const ratings = field(env, "RATINGS");
  const roomIndex = field(env, "ROOM_INDEX");
  const archive = field(env, "ARCHIVE");
  return {
    ratings: isNamespace<RatingsObject>(ratings) ? ratings : undefined,
    roomIndex: isNamespace<RoomIndexObject>(roomIndex) ? roomIndex : undefined,
    // RETENTION_MS as given: retentionMs() alone decides what a missing or malformed value means.
    retention: { ARCHIVE: isBucket(archive) ? archive : undefined, RETENTION_MS: field(env, "RETENTION_MS") },
  };
}

function field(o: object, key: string): unknown {
  return Reflect.get(o, key);
}

/** An object with these methods (a binding's methods live on its prototype, which `Reflect.get` reads too). */
function hasMethods(v: unknown, names: readonly string[]): v is object {
  if (typeof v !== "object" || v === null) return false;
  for (const name of names) {
    if (typeof field(v, name) !== "function") return false;
  }
  return true;
}

/** The class a namespace hosts cannot be seen at run time: the binding's name stands for it, as in the worker's Env. */
function isNamespace<T extends Rpc.DurableObjectBranded | undefined>(v: unknown): v is DurableObjectNamespace<T> {
  return hasMethods(v, ["idFromName", "get"]);
}

/** retention.ts calls `put` on the archive. */
function isBucket(v: unknown): v is R2Bucket {
  return hasMethods(v, ["put"]);
}
