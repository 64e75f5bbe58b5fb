/**
 * The game against the real room core, in process and on a hand-driven clock (`edgeroom/testing`):
 * no worker, no sockets, no waiting — turn timers fire when the test advances time.
 */
import { RoomStepper } from "edgeroom/testing";
import { describe, expect, it } from "vitest";
import { ticTacToe } from "../src/tic-tac-toe";

function seatedRoom() {
  const room = new RoomStepper({ game: "tic-tac-toe", mode: "pvp" }, { games: [ticTacToe] });
  room.connect("x", "p0"); // the creator
  room.connect("o", "p1");
  const started = room.last("x", "update");
  expect(started?.events.some((e) => e.type === "matchStarted")).toBe(true);
  const first = started?.room.turn;
  if (first !== 0 && first !== 1) throw new Error(`no seat to move: ${String(first)}`);
  // Seats are taken in joining order: "x" holds seat 0, "o" seat 1.
  return { room, first, mover: first === 0 ? "x" : "o", other: first === 0 ? "o" : "x" };
}

describe("tic-tac-toe in the room core", () => {
  it("ends in a draw on a full board with no line", () => {
    const { room, mover, other } = seatedRoom();
    // X: 0 1 5 6 8, O: 2 3 4 7: the board fills up without three in a row.
    const cells = [0, 2, 1, 3, 5, 4, 6, 7, 8];
    cells.forEach((cell, i) => {
      const conn = i % 2 === 0 ? mover : other;
      room.send(conn, { t: "input", id: i + 1, data: { type: "mark", cell } });
      expect(room.last(conn, "ack")?.id).toBe(i + 1);
    });
    const room0 = room.last("x", "update")?.room;
    expect(room0?.status).toBe("finished");
    expect(room0?.result).toMatchObject({ winner: null, reason: "draw" });
  });

  it("a player who lets the turn clock run out loses by timeout", () => {
    const { room, first } = seatedRoom();
    room.advance(31_000); // turnMs is 30 s
    const result = room.last("x", "update")?.room.result;
    expect(result).toMatchObject({ winner: first === 0 ? 1 : 0, reason: "timeout" });
  });
});
