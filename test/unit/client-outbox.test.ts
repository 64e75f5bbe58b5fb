import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMITTED_CAPACITY, Outbox, localStorageStore, memoryStore, type KeyValueStore, type OutboxCommand, type StorageLike } from "../../src/client/internal";

const KEY = "edgeroom:outbox:m1:player";

// JSON text parsed back, so input data is exactly what a JSON store can hold.
const command: fc.Arbitrary<OutboxCommand> = fc.oneof(
  { arbitrary: fc.json({ maxDepth: 2 }).map((text): OutboxCommand => ({ t: "input", data: JSON.parse(text) })), weight: 4 },
  fc.constant<OutboxCommand>({ t: "rematch" }),
  fc.constant<OutboxCommand>({ t: "resign" }),
);

const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("push" as const), command }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant("assign" as const), floor: fc.integer({ min: 0, max: 200 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("settle" as const), pick: fc.nat(), dup: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("reload" as const) }), weight: 1 },
);

interface ModelEntry {
  command: OutboxCommand;
  id: number | null;
}

describe("client outbox", () => {
  it("stays bounded, assigns strictly increasing ids above every floor, re-sends in push order, settles once, and survives store round-trips", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.array(op, { minLength: 1, maxLength: 120 }), (capacity, ops) => {
        const store = memoryStore();
        let box = new Outbox({ capacity, store, key: KEY });
        const model: ModelEntry[] = [];
        const settled = new Set<number>();
        let lastAssigned = 0;
        let maxFloor = 0;
        for (const o of ops) {
          if (o.kind === "push") {
            const r = box.push(o.command);
            if (model.length >= capacity) {
              expect(r).toMatchObject({ ok: false, code: "OUTBOX_FULL", capacity });
            } else {
              expect(r.ok).toBe(true);
              model.push({ command: o.command, id: null });
            }
          } else if (o.kind === "assign") {
            maxFloor = Math.max(maxFloor, o.floor);
            const listed = box.assignIds(o.floor);
            for (const [i, e] of listed.entries()) {
              const m = model[i];
              if (!m) throw new Error("outbox lists more than was pushed");
              if (m.id === null) {
                // A new id is above both every id used before and every floor seen so far.
                expect(e.id).toBeGreaterThan(Math.max(lastAssigned, maxFloor));
                m.id = e.id;
                lastAssigned = e.id ?? 0;
              }
            }
          } else if (o.kind === "settle") {
            const withIds = model.filter((m) => m.id !== null);
            const target = withIds[o.pick % Math.max(1, withIds.length)];
            const id = o.dup && settled.size > 0 ? [...settled][o.pick % settled.size] : target?.id;
            if (id === undefined || id === null) continue;
            const got = box.settle(id);
            if (settled.has(id)) {
              expect(got).toBeNull();
            } else {
              expect(got?.id).toBe(id);
              settled.add(id);
              model.splice(model.findIndex((m) => m.id === id), 1);
            }
          } else {
            box = new Outbox({ capacity, store, key: KEY });
            expect(box.loadError).toBeNull();
          }
          expect(box.size).toBeLessThanOrEqual(capacity);
          expect(box.pendingInOrder().map((e) => ({ command: e.command, id: e.id }))).toEqual(model);
          const ids = box.pendingInOrder().flatMap((e) => (e.id === null ? [] : [e.id]));
          for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] ?? 0);
        }
      }),
    );
  });

  it("returns OUTBOX_FULL with a message the game can show instead of dropping an input", () => {
    const box = new Outbox({ capacity: 2 });
    expect(box.push({ t: "resign" }).ok).toBe(true);
    expect(box.push({ t: "rematch" }).ok).toBe(true);
    const full = box.push({ t: "input", data: 1 });
    expect(full).toMatchObject({ ok: false, code: "OUTBOX_FULL", capacity: 2 });
    if (!full.ok) expect(full.message).toMatch(/waiting for the server/);
    expect(box.size).toBe(2);
  });

  it("counts admitted real-time inputs waiting for snap.dur apart from unanswered ones, each with its own bound", () => {
    const box = new Outbox({ capacity: 2 });
    const first = box.push({ t: "input", data: 1 });
    const second = box.push({ t: "input", data: 2 });
    expect(first.ok && second.ok).toBe(true);
    box.assignIds(0);
    // Both admitted: their outcome is known, so they no longer take unanswered room.
    expect(box.admit(1)).not.toBeNull();
    expect(box.admit(2)).not.toBeNull();
    expect(box.push({ t: "input", data: 3 }).ok).toBe(true);
    expect(box.push({ t: "input", data: 4 }).ok).toBe(true);
    expect(box.push({ t: "input", data: 5 })).toMatchObject({ ok: false, code: "OUTBOX_FULL", capacity: 2 });
    // Admitted ones stay bounded too, until snap.dur lets them go: admit everything, then keep going.
    for (const e of box.assignIds(0)) if (e.id !== null) box.admit(e.id);
    while (box.push({ t: "input", data: 0 }).ok) for (const e of box.assignIds(0)) if (e.id !== null) box.admit(e.id);
    for (const e of box.assignIds(0)) if (e.id !== null) box.admit(e.id);
    expect(box.size).toBe(ADMITTED_CAPACITY);
    const full = box.push({ t: "input", data: 0 });
    expect(full).toMatchObject({ ok: false, code: "OUTBOX_FULL", capacity: ADMITTED_CAPACITY });
    if (!full.ok) expect(full.message).toMatch(/durable/);
    expect(box.forgetDurable(10)).toHaveLength(10);
    expect(box.push({ t: "input", data: 0 }).ok).toBe(true);
  });

  it("refuses a bound above the 32 outcomes the room remembers per seat", () => {
    expect(() => new Outbox({ capacity: 33 })).toThrow(RangeError);
    expect(() => new Outbox({ capacity: 0 })).toThrow(RangeError);
    expect(new Outbox().capacity).toBe(32);
  });

  it("discards tampered or malformed persisted data instead of trusting it", () => {
    const bad = [
      "not json",
      JSON.stringify({ v: 2, owner: null, lastId: 0, entries: [] }),
      JSON.stringify({ v: 1, owner: null, lastId: 1, entries: [{ id: 5, command: { t: "resign" } }] }),
      JSON.stringify({ v: 1, owner: null, lastId: 9, entries: [{ id: 3, command: { t: "resign" } }, { id: 2, command: { t: "resign" } }] }),
      JSON.stringify({ v: 1, owner: null, lastId: 9, entries: [{ id: null, command: { t: "resign" } }, { id: 2, command: { t: "resign" } }] }),
      JSON.stringify({ v: 1, owner: null, lastId: 9, entries: [{ id: 1, command: { t: "dance" } }] }),
    ];
    for (const text of bad) {
      const box = new Outbox({ store: memoryStore([[KEY, text]]), key: KEY });
      expect(box.loadError, text).not.toBeNull();
      expect(box.size).toBe(0);
      expect(box.lastId).toBe(0);
    }
  });

  it("never reuses an id the room already processed, even when the local counter was lost", () => {
    const box = new Outbox();
    box.push({ t: "input", data: { column: 3 } });
    expect(box.pendingInOrder()[0]?.id).toBeNull();
    // The welcome says this seat already processed input 41 (an earlier page load).
    expect(box.assignIds(41).map((e) => e.id)).toEqual([42]);
  });

  it("drops stored inputs of another player but keeps the ones pushed on this page", () => {
    const store = memoryStore();
    const first = new Outbox({ store, key: KEY });
    first.adoptOwner("alice");
    first.push({ t: "resign" });
    first.assignIds(0);
    const second = new Outbox({ store, key: KEY });
    second.push({ t: "rematch" });
    const dropped = second.adoptOwner("bob");
    expect(dropped.map((e) => e.command)).toEqual([{ t: "resign" }]);
    expect(second.pendingInOrder().map((e) => e.command)).toEqual([{ t: "rematch" }]);
  });

  it("keeps working in memory and reports it when the store throws", () => {
    const errors: unknown[] = [];
    const broken: KeyValueStore = {
      get: () => null,
      set: () => {
        throw new Error("quota exceeded");
      },
      remove: () => undefined,
    };
    const box = new Outbox({ store: broken, key: KEY, onStoreError: (e) => errors.push(e) });
    expect(box.push({ t: "resign" }).ok).toBe(true);
    expect(box.size).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it("persists through a Web Storage object so inputs survive a page reload", () => {
    const backing = new Map<string, string>();
    const storage: StorageLike = {
      getItem: (k) => backing.get(k) ?? null,
      setItem: (k, v) => void backing.set(k, v),
      removeItem: (k) => void backing.delete(k),
    };
    const before = new Outbox({ store: localStorageStore(storage), key: KEY });
    before.push({ t: "input", data: { type: "dropDisc", column: 2 } });
    before.assignIds(7);
    const after = new Outbox({ store: localStorageStore(storage), key: KEY });
    expect(after.pendingInOrder()).toEqual([{ key: 1, id: 8, command: { t: "input", data: { type: "dropDisc", column: 2 } }, admitted: false }]);
    expect(after.lastId).toBe(8);
    after.discard();
    expect(backing.has(KEY)).toBe(false);
  });

  it("explains clearly when there is no localStorage to use", () => {
    expect(() => localStorageStore()).toThrow(/no localStorage/);
  });
});
