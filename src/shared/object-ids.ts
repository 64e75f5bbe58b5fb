/**
 * Durable Object ids of names that recur (a queue, a player-record shard, a singleton), derived once per
 * isolate: `idFromName` hashes the name in the runtime on every call, a measurable share of a join
 * burst's time (bench/results/matchmaking-profile-2026-12-06.md). Only for small, fixed sets of
 * names: per-match ids (rooms) are used once or twice and are not cached.
 */
const ids = new WeakMap<object, Map<string, DurableObjectId>>();

/** At most this many names per namespace; past it the cache starts over (a misuse, not a leak). */
const MAX_NAMES = 1024;

export function namedId<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, name: string): DurableObjectId {
  let byName = ids.get(ns);
  if (!byName) {
    byName = new Map();
    ids.set(ns, byName);
  }
  let id = byName.get(name);
  if (!id) {
    if (byName.size >= MAX_NAMES) byName.clear();
    id = ns.idFromName(name);
    byName.set(name, id);
  }
  return id;
}

/** The stub of a recurring name (see namedId). */
export function namedStub<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, name: string): DurableObjectStub<T> {
  return ns.get(namedId(ns, name));
}
