/** The app's own game, end to end through the worker: HTTP API, join tickets, WebSockets, the room. */
import { describe, expect, it } from "vitest";
import { createMatch, guest, Player } from "./helpers";

describe("tic-tac-toe through the starter's worker", () => {
  it("creates a match, seats two players over WebSockets and plays to a win", async () => {
    const xena = await guest("Xena");
    const otto = await guest("Otto");
    const matchId = await createMatch(xena.token, "tic-tac-toe");

    const x = await Player.join(xena, matchId);
    expect((await x.next("welcome")).room.status).toBeDefined();
    const o = await Player.join(otto, matchId);
    await o.next("welcome");
    const started = await x.next("update", (u) => u.events.some((e) => e.type === "matchStarted"));
    const first = started.room.turn;
    expect(first === 0 || first === 1).toBe(true);

    // The player moving first takes the top row; the other plays the middle row.
    const [mover, other] = first === 0 ? [x, o] : [o, x];
    const moves: [Player, number][] = [[mover, 0], [other, 3], [mover, 1], [other, 4], [mover, 2]];
    let id = 0;
    for (const [p, cell] of moves) {
      p.send({ t: "input", id: ++id, data: { type: "mark", cell } });
      const ack = await p.next("ack", (a) => a.id === id);
      expect(ack.t).toBe("ack");
    }

    const end = await other.next("update", (u) => u.events.some((e) => e.type === "matchEnded"));
    expect(end.room.status).toBe("finished");
    expect(end.room.result).toMatchObject({ winner: first, reason: "win", detail: { line: [0, 1, 2] } });
    expect(end.room.view).toMatchObject({ over: true, winner: first, line: [0, 1, 2] });
    x.close();
    o.close();
  });

  it("answers a rule violation with the game's error code and changes nothing", async () => {
    const a = await guest("Ana");
    const b = await guest("Ben");
    const matchId = await createMatch(a.token, "tic-tac-toe");
    const pa = await Player.join(a, matchId);
    await pa.next("welcome");
    const pb = await Player.join(b, matchId);
    await pb.next("welcome");
    const started = await pa.next("update", (u) => u.events.some((e) => e.type === "matchStarted"));
    const [mover, waiter] = started.room.turn === 0 ? [pa, pb] : [pb, pa];

    waiter.send({ t: "input", id: 1, data: { type: "mark", cell: 4 } });
    expect(await waiter.next("gameError", (f) => f.id === 1)).toMatchObject({ code: "NOT_YOUR_TURN" });
    mover.send({ t: "input", id: 2, data: { type: "mark", cell: 4 } });
    await mover.next("ack", (f) => f.id === 2);
    waiter.send({ t: "input", id: 3, data: { type: "mark", cell: 4 } });
    expect(await waiter.next("gameError", (f) => f.id === 3)).toMatchObject({ code: "CELL_TAKEN" });
    pa.close();
    pb.close();
  });
});
