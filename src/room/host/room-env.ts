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
  /**
   * Bindings that are set but are not a binding of the expected kind (e.g. a [vars] entry named
   * ROOM_INDEX): their feature is off like an absent one's, and the host logs each name once per
   * instance (`room_binding_ignored`), so a misconfiguration is seen rather than silently disabling it.
   */
  readonly ignored: readonly string[];
}

/** The bindings the room uses; anything missing or of the wrong shape is undefined (its feature off). */
export function readRoomEnv(env: unknown): RoomEnv {
  if (typeof env !== "object" || env === null) return { ratings: undefined, roomIndex: undefined, retention: {}, ignored: [] };
  const ratings = field(env, "RATINGS");
  const roomIndex = field(env, "ROOM_INDEX");
  const archive = field(env, "ARCHIVE");
  const ignored: string[] = [];
  const keep = <T>(name: string, value: unknown, ok: (v: unknown) => v is T): T | undefined => {
    if (ok(value)) return value;
    if (value !== undefined && value !== null) ignored.push(name);
    return undefined;
  };
  return {
    ratings: keep("RATINGS", ratings, isNamespace<RatingsObject>),
    roomIndex: keep("ROOM_INDEX", roomIndex, isNamespace<RoomIndexObject>),
    // RETENTION_MS as given: retentionMs() alone decides what a missing or malformed value means.
    retention: { ARCHIVE: keep("ARCHIVE", archive, isBucket), RETENTION_MS: field(env, "RETENTION_MS") },
    ignored,
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
