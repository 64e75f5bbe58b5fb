import { describe, expect, it } from "vitest";
import type { TestSocket } from "../support/test-socket";
import { api, join, joinRefused, twoPlayerMatch } from "./helpers";

let nextId = 1;
function drop(s: TestSocket, column: number, id = nextId++) {
  s.send({ t: "input", id, data: { type: "dropDisc", column } });
  return id;
}

/** Play `moves` alternately starting with `first`, waiting for each acknowledgement. */
async function play(first: TestSocket, second: TestSocket, moves: number[]): Promise<number> {
  let seq = -1;
  for (let i = 0; i < moves.length; i++) {
    const s = i % 2 === 0 ? first : second;
    const id = drop(s, moves[i] ?? 0);
    const settled = await s.settle(id);
    if (settled.t !== "ack") throw new Error(`move ${i} (column ${moves[i]}) refused: ${JSON.stringify(settled)}`);
    seq = settled.seq ?? -1;
  }
  return seq;
}

describe("Connect Four through the worker and the room", () => {
  it("lets two players play to a vertical win with every move broadcast in sequence", async () => {
    const { a, b } = await twoPlayerMatch();
    await play(a, b, [0, 1, 0, 1, 0, 1, 0]);
    const end = await b.nextEvent("matchEnded");
    const ended = end.events.find((e) => e.type === "matchEnded");
    expect(ended).toMatchObject({ result: { winner: 0, reason: "win" } });
    expect(end.room.status).toBe("finished");
    expect(end.room.result?.detail?.["line"]).toEqual([[0, 0], [0, 1], [0, 2], [0, 3]]);
    // Every update carries the next room-wide sequence number: no gaps, no repeats.
    const seqs = b.frames.filter((f) => f.t === "update").map((f) => (f.t === "update" ? f.seq : 0));
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
    const moves = b.frames.flatMap((f) => (f.t === "update" ? f.events : [])).filter((e) => e.type === "playerMove");
    expect(moves).toHaveLength(7);
    a.close();
    b.close();
  });

  it("plays to a draw on a full board", async () => {
    const { a, b } = await twoPlayerMatch();
    // A full-board game with no four in a row anywhere (found by a seeded search over random games).
    const moves = [1, 4, 4, 5, 1, 6, 3, 0, 5, 0, 0, 3, 4, 5, 5, 4, 3, 3, 3, 3, 4, 2, 4, 1, 2, 5, 1, 6, 5, 2, 6, 2, 1, 6, 0, 6, 1, 2, 0, 0, 2, 6];
    await play(a, b, moves);
    const end = await a.nextEvent("matchEnded");
    expect(end.room.result).toMatchObject({ winner: null, reason: "draw" });
    a.close();
    b.close();
  });

  it("plays a whole match against the AI, whose moves arrive as aiMove events", async () => {
    const human = await api.guest("Hannah");
    const matchId = await api.createMatch(human.token, { game: "connect-four", mode: "ai", aiLevel: "hard" });
    const s = await join(human, matchId);
    let room = (await s.next("welcome")).room;
    let id = 1000;
    while (room.status !== "finished") {
      if (room.turn !== 0) {
        room = (await s.next("update", (u) => u.room.status === "finished" || u.room.turn === 0)).room;
        continue;
      }
      const view = room.view as { board: number[][] };
      const column = [3, 2, 4, 1, 5, 0, 6].find((c) => view.board[5]?.[c] === 0) ?? 0;
      s.send({ t: "input", id: ++id, data: { type: "dropDisc", column } });
      await s.next("ack", (a) => a.id === id);
      room = (await s.next("update", (u) => u.room.status === "finished" || u.room.turn === 0)).room;
    }
    const events = s.frames.flatMap((f) => (f.t === "update" ? f.events : []));
    expect(events.some((e) => e.type === "aiMove")).toBe(true);
    expect(room.result?.reason).toMatch(/win|draw/);
    s.close();
  });

  it("answers illegal moves with gameError codes and changes nothing", async () => {
    const { a, b } = await twoPlayerMatch();
    const cases: [TestSocket, number, string][] = [
      [a, 7, "OUT_OF_RANGE"],
      [a, -1, "OUT_OF_RANGE"],
      [b, 3, "NOT_YOUR_TURN"],
    ];
    for (const [s, col, code] of cases) {
      const id = drop(s, col);
      const err = await s.next("gameError", (e) => e.id === id);
      expect(err.code).toBe(code);
    }
    const seqBefore = await play(a, b, [0, 0, 0, 0, 0, 0]);
    const id = drop(a, 0);
    expect((await a.next("gameError", (e) => e.id === id)).code).toBe("COLUMN_FULL");
    const bad = drop(a, 1.5);
    expect((await a.next("gameError", (e) => e.id === bad)).code).toBe("INVALID_INPUT");
    // Nothing changed: the next legal move produces the very next sequence number on a board of six discs.
    const legal = drop(a, 1);
    const ack = await a.next("ack", (x) => x.id === legal);
    expect(ack.seq).toBe(seqBefore + 1);
    const view = a.latestRoom()?.view as { board: number[][] };
    expect(view.board.flat().filter((c) => c !== 0)).toHaveLength(7);
    a.close();
    b.close();
  });

  it("acknowledges a re-sent input id again without applying it twice", async () => {
    const { a, b } = await twoPlayerMatch();
    const id = drop(a, 3);
    const first = await a.next("ack", (x) => x.id === id);
    expect(first.dup).toBe(false);
    drop(a, 3, id);
    const again = await a.next("ack", (x) => x.id === id);
    expect(again).toMatchObject({ dup: true, seq: first.seq });
    const ok = drop(b, 4);
    const after = await b.next("ack", (x) => x.id === ok);
    expect(after.seq).toBe((first.seq ?? 0) + 1);
    const view = b.latestRoom()?.view as { board: number[][] };
    expect(view.board[0]?.filter((c) => c !== 0)).toHaveLength(2);
    a.close();
    b.close();
  });

  it("refuses a third player with ROOM_FULL, admits a spectator, and refuses an unsupported version", async () => {
    const { matchId, a, b } = await twoPlayerMatch();
    const carol = await api.guest("Carol");
    expect((await joinRefused(carol, matchId)).code).toBe(4003);
    expect((await joinRefused(carol, matchId, { v: 99 })).code).toBe(4002);
    const spec = await join(carol, matchId, "spectator");
    const welcome = await spec.next("welcome");
    expect(welcome.you).toMatchObject({ role: "spectator", seat: null });
    spec.send({ t: "input", id: 1, data: { type: "dropDisc", column: 0 } });
    expect((await spec.next("gameError")).code).toBe("NOT_A_PLAYER");
    drop(a, 2);
    await spec.nextEvent("playerMove");
    a.close();
    b.close();
    spec.close();
  });

  it("refuses spectators when the match does not allow them", async () => {
    const { matchId, a, b } = await twoPlayerMatch({ spectators: false });
    const carol = await api.guest("Carol");
    expect((await joinRefused(carol, matchId, { role: "spectator" })).code).toBe(4007);
    a.close();
    b.close();
  });

  it("starts a rematch in the same room once both players ask, with the other player moving first", async () => {
    const { a, b } = await twoPlayerMatch();
    await play(a, b, [0, 1, 0, 1, 0, 1, 0]);
    await b.nextEvent("matchEnded");
    const early = drop(a, 3);
    expect((await a.next("gameError", (e) => e.id === early)).code).toBe("MATCH_OVER");
    a.send({ t: "rematch", id: nextId++ });
    await b.nextEvent("rematchRequested");
    b.send({ t: "rematch", id: nextId++ });
    const started = await a.nextEvent("matchStarted");
    expect(started.room).toMatchObject({ status: "playing", round: 2, turn: 1 });
    a.close();
    b.close();
  });

  it("lets a player resign, ending the match for the other", async () => {
    const { a, b } = await twoPlayerMatch();
    b.send({ t: "resign", id: nextId++ });
    const end = await a.nextEvent("matchEnded");
    expect(end.room.result).toMatchObject({ winner: 0, reason: "resign" });
    a.close();
    b.close();
  });
});
