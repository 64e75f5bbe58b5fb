import { afterAll, describe, expect, it } from "vitest";
import { Api, type Guest } from "../support/api";
import { openNodeSocket } from "../support/node-socket";
import { startWorker } from "../support/worker-server";
import type { DevServer } from "../support/wrangler-dev";

let server: DevServer | undefined;
afterAll(async () => {
  await server?.stop();
});

describe("a hard kill of the server (workerd under miniflare) mid-match", () => {
  it("restarts on the same persisted state with acknowledged moves present and seats kept", async () => {
    server = await startWorker();
    let api = new Api((i, init) => fetch(i, init), server.base);
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four", graceMs: 120_000 });
    const join = async (g: Guest) => openNodeSocket((await api.ticket(g.token, matchId)).url);
    const a = await join(alice);
    await a.next("welcome");
    const b = await join(bob);
    await b.next("welcome");
    await a.nextEvent("matchStarted");
    a.send({ t: "input", id: 1, data: { type: "dropDisc", column: 2 } });
    await a.next("ack", (x) => x.id === 1);
    b.send({ t: "input", id: 1, data: { type: "dropDisc", column: 5 } });
    const lastAck = await b.next("ack", (x) => x.id === 1);

    // SIGKILL right after an acknowledgement: no shutdown hook runs.
    await server.kill();
    expect((await a.closed).code).not.toBe(1000);
    await b.closed;

    server = await startWorker({ persistDir: server.persistDir });
    api = new Api((i, init) => fetch(i, init), server.base);
    const a2 = await join(alice);
    const w = await a2.next("welcome");
    expect(w.you.seat).toBe(0);
    expect(w.lastInputId).toBe(1);
    expect(w.seq).toBeGreaterThanOrEqual(lastAck.seq ?? 0);
    const board = (w.room.view as { board: number[][] }).board;
    expect(board[0]?.[2]).not.toBe(0);
    expect(board[0]?.[5]).not.toBe(0);
    expect(w.room.status).toBe("playing");
    const b2 = await join(bob);
    const wb = await b2.next("welcome");
    expect(wb.you.seat).toBe(1);
    // Play on to a result after the restart; the re-sent pre-crash id is not applied twice.
    b2.send({ t: "input", id: 1, data: { type: "dropDisc", column: 5 } });
    expect(await b2.next("ack", (x) => x.id === 1)).toMatchObject({ dup: true });
    let id = 2;
    for (const [s, col] of [[a2, 2], [b2, 5], [a2, 2], [b2, 5], [a2, 2]] as const) {
      s.send({ t: "input", id, data: { type: "dropDisc", column: col } });
      await s.next("ack", (x) => x.id === id);
      id++;
    }
    const end = await b2.nextEvent("matchEnded");
    expect(end.room.result).toMatchObject({ winner: 0, reason: "win" });
    a2.close();
    b2.close();
  });
});
