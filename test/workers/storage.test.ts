import { env, runInDurableObject } from "cloudflare:test";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { RoomStorage } from "../../src/room/host/storage";
import { runner } from "../../src/games/runner";
import { carriedEntries, pushCarried } from "../../src/room/core/carried-log";
import { JOURNAL_SIZE } from "../../src/room/core/journal";
import { newRecord, type ActionEntry } from "../../src/room/core/record";
import { CreateMatchRequest, resolveSettings } from "../../src/room/core/settings";

const packr = new Packr({ useRecords: false });

describe("room storage", () => {
  it("reads the action log in order from rows written before batching and from batches written after", async () => {
    const stub = env.ROOMS.get(env.ROOMS.idFromName("storage-test-legacy-and-batches"));
    const actions = await runInDurableObject(stub, (_o, state) => {
      // A room written by an older build: its `room` table has no `ops` column yet, and it logged one row per action.
      state.storage.sql.exec("CREATE TABLE room (id INTEGER PRIMARY KEY CHECK (id = 1), record BLOB NOT NULL)");
      state.storage.sql.exec("CREATE TABLE actions (n INTEGER PRIMARY KEY, round INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, entry BLOB NOT NULL)");
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

describe("room storage records", () => {
  it("loads a record whose input outcomes and carried log entries an older build stored as tuples and entries, as flat outcomes and columns", async () => {
    const stub = env.ROOMS.get(env.ROOMS.idFromName("storage-test-tuple-outcomes"));
    const out = await runInDurableObject(stub, (_o, state) => {
      const store = new RoomStorage(state.storage);
      const settings = resolveSettings(runner, CreateMatchRequest.parse({ game: "runner", seats: 2 }));
      if (!settings.ok) throw new Error(settings.message);
      const record = newRecord("o".repeat(32), settings.settings, { playerId: "p0", name: "Zero" }, "0".repeat(64), 1);
      store.save(record, [], []);
      // The record row as the build before wrote it: outcomes as tuples (seat 1 holds an older build's 64).
      const tuples = (n: number) => Array.from({ length: n }, (_, i) => (i === 1 ? [2, null, "INVALID_INPUT", "bad"] : [i + 1, i + 10, null, null]));
      const carried = [1, 2].map((n) => ({ kind: "input", round: 1, seat: n - 1, by: "human", inputId: n, data: { tick: n + 40 }, at: 1_700_000_000_000 + n, tick: n + 40 }));
      const older = { ...record, actions: 2, pendingLog: carried, seats: record.seats.map((s, seat) => ({ ...s, recent: tuples(seat === 0 ? 3 : 64) })) };
      state.storage.sql.exec("UPDATE room SET record = ? WHERE id = 1", new Uint8Array(packr.pack(older)));
      const loaded = store.load();
      if (!loaded.ok || !loaded.record) return null;
      return { recent: loaded.record.seats.map((s) => s.recent), columns: loaded.record.pendingLog, entries: carriedEntries(loaded.record.pendingLog), carried };
    });
    expect(out?.recent[0]).toEqual([1, 10, null, null, 2, null, "INVALID_INPUT", "bad", 3, 12, null, null]);
    expect(out?.recent[1]).toHaveLength(64 * 4);
    expect(out?.columns).toEqual({ ints: [1, 0, 1, 41, 1, 1, 2, 42], ats: [1_700_000_000_001, 1_700_000_000_002], data: [{ tick: 41 }, { tick: 42 }] });
    expect(out?.entries).toEqual(out?.carried);
  });
});

describe("room storage tables and tickets", () => {
  it("creates a new room's tables at its first write without the older layouts' tables, and spends each ticket once, also from a later instance", async () => {
    const stub = env.ROOMS.get(env.ROOMS.idFromName("storage-test-new-layout"));
    const out = await runInDurableObject(stub, (_o, state) => {
      const tablesNow = () => state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name").toArray().map((r) => r.name);
      const store = new RoomStorage(state.storage);
      const before = tablesNow();
      const settings = resolveSettings(runner, CreateMatchRequest.parse({ game: "runner", seats: 2 }));
      if (!settings.ok) throw new Error(settings.message);
      store.save(newRecord("t".repeat(32), settings.settings, { playerId: "p0", name: "Zero" }, "0".repeat(64), 1), [], []);
      const after = tablesNow();
      const exp = Math.floor(Date.now() / 1000) + 60;
      const first = store.useTicket("jti-one", exp, Math.floor(Date.now() / 1000));
      const again = store.useTicket("jti-one", exp, Math.floor(Date.now() / 1000));
      // A later instance (after an eviction) reads the same tables and the same spent tickets.
      const later = new RoomStorage(state.storage);
      const laterAgain = later.useTicket("jti-one", exp, Math.floor(Date.now() / 1000));
      const laterOther = later.useTicket("jti-two", exp, Math.floor(Date.now() / 1000));
      return { before, after, first, again, laterAgain, laterOther, loaded: later.load().ok, journal: later.journal(), actions: later.actions() };
    });
    expect(out).toEqual({
      before: [],
      after: ["action_batches", "journal_ring", "room", "tickets"],
      first: true,
      again: false,
      laterAgain: false,
      laterOther: true,
      loaded: true,
      journal: [],
      actions: [],
    });
  });
});

describe("room storage rows and layout (issue 12)", () => {
  it("counts the rows SQLite wrote, keeps the journal as a ring of the last JOURNAL_SIZE updates, and numbers batches around the entries the record carries", async () => {
    const stub = env.ROOMS.get(env.ROOMS.idFromName("storage-test-rows-ring"));
    const out = await runInDurableObject(stub, (_o, state) => {
      const store = new RoomStorage(state.storage);
      // The tables' own schema rows are counted when they are created; the figures below start after.
      store.ensureTables();
      const schemaRows = store.rowsWritten;
      const settings = resolveSettings(runner, CreateMatchRequest.parse({ game: "runner", seats: 2 }));
      if (!settings.ok) throw new Error(settings.message);
      const record = newRecord("r".repeat(32), settings.settings, { playerId: "p0", name: "Zero" }, "0".repeat(64), 1);
      const entry = (n: number) => ({ kind: "input", round: 1, seat: 0, by: "human", inputId: n, data: { tick: n }, at: n, tick: n }) as ActionEntry;
      // 3 entries: 2 written as a batch, the newest carried inside the record.
      record.actions = 3;
      pushCarried(record.pendingLog, 1, 0, 3, { tick: 3 }, 3, 3);
      record.seq = 2;
      const first = store.save(record, [entry(1), entry(2)], [{ seq: 1, events: [] }, { seq: 2, events: [] }]);
      // Wrap the ring: JOURNAL_SIZE + 5 updates in all, one row each.
      let ring = 0;
      for (let seq = 3; seq <= JOURNAL_SIZE + 5; seq++) {
        record.seq = seq;
        ring += store.save(record, [], [{ seq, events: [] }]);
      }
      const journal = store.journal().map((e) => e.seq);
      return { first, ring, total: store.rowsWritten - schemaRows, journal, batches: store.actions() };
    });
    // record row + batch row + 2 journal rows; then per save the record row and one journal row, no deletes.
    expect(out.first).toBe(4);
    expect(out.ring).toBe(2 * (JOURNAL_SIZE + 3));
    expect(out.total).toBe(out.first + out.ring);
    expect(out.journal).toEqual(Array.from({ length: JOURNAL_SIZE }, (_, i) => i + 6));
    expect((out.batches as Array<{ inputId: number }>).map((a) => a.inputId)).toEqual([1, 2]);
  });
});
