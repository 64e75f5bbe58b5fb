import { env, runInDurableObject } from "cloudflare:test";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { RoomStorage } from "../../src/room/host/storage";

const packr = new Packr({ useRecords: false });

describe("room storage", () => {
  it("reads the action log in order from rows written before batching and from batches written after", async () => {
    const stub = env.ROOMS.get(env.ROOMS.idFromName("storage-test-legacy-and-batches"));
    const actions = await runInDurableObject(stub, (_o, state) => {
      // A room written by an older build: its `room` table has no `ops` column yet.
      state.storage.sql.exec("CREATE TABLE room (id INTEGER PRIMARY KEY CHECK (id = 1), record BLOB NOT NULL)");
      const store = new RoomStorage(state.storage);
      const legacy = [1, 2].map((n) => ({ round: 1, kind: "input", at: n, n }));
      for (const a of legacy) {
        state.storage.sql.exec("INSERT INTO actions (n, round, kind, at, entry) VALUES (?, ?, ?, ?, ?)", a.n, a.round, a.kind, a.at, new Uint8Array(packr.pack(a)));
      }
      state.storage.sql.exec("INSERT INTO action_batches (first, entries) VALUES (?, ?)", 5, new Uint8Array(packr.pack([{ n: 5 }, { n: 6 }])));
      state.storage.sql.exec("INSERT INTO action_batches (first, entries) VALUES (?, ?)", 3, new Uint8Array(packr.pack([{ n: 3 }, { n: 4 }])));
      return store.actions();
    });
    expect((actions as Array<{ n: number }>).map((a) => a.n)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("adds the counters column to an older room's table, and creates no table in a room that never wrote", async () => {
    const older = env.ROOMS.get(env.ROOMS.idFromName("storage-test-ops-column"));
    const columns = await runInDurableObject(older, (_o, state) => {
      state.storage.sql.exec("CREATE TABLE room (id INTEGER PRIMARY KEY CHECK (id = 1), record BLOB NOT NULL)");
      new RoomStorage(state.storage);
      return state.storage.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('room')").toArray().map((r) => r.name);
    });
    expect(columns).toEqual(["id", "record", "ops"]);
    const fresh = env.ROOMS.get(env.ROOMS.idFromName("storage-test-never-written"));
    const tables = await runInDurableObject(fresh, (_o, state) => {
      const store = new RoomStorage(state.storage);
      const loaded = store.load();
      return { loaded, tables: state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").toArray().length };
    });
    expect(tables).toEqual({ loaded: { ok: true, record: null, ops: null }, tables: 0 });
  });
});
