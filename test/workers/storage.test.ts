import { env, runInDurableObject } from "cloudflare:test";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { RoomStorage } from "../../src/room/host/storage";

const packr = new Packr({ useRecords: false });

describe("room storage", () => {
  it("reads the action log in order from rows written before batching and from batches written after", async () => {
    const stub = env.ROOMS.get(env.ROOMS.idFromName("storage-test-legacy-and-batches"));
    const actions = await runInDurableObject(stub, (_o, state) => {
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
});
