import { describe, expect, it } from "vitest";
import type { InputOutcome } from "../../src/client/client-types";
import { connectFour, type C4State } from "../../src/games/connect-four";
import { LinkConditioner, RoomStepper } from "../../src/testing";

interface Player {
  readonly id: string;
  readonly client: ReturnType<LinkConditioner["join"]>;
  readonly outcomes: InputOutcome[];
  readonly ackIds: number[];
  /** Moves on the board when this player last moved (so it moves once per turn). */
  movedAt: number;
  waiting: boolean;
}

/** A column whose top cell is empty, preferring the centre (board[row][column], row 0 at the bottom). */
function column(board: readonly (readonly number[])[], turn: number): number {
  const order = [3, 2, 4, 1, 5, 0, 6];
  const open = order.filter((c) => board[board.length - 1]?.[c] === 0);
  return open[(turn * 3) % open.length] ?? 0;
}

function isC4State(x: unknown): x is C4State {
  return typeof x === "object" && x !== null && "board" in x && "moves" in x;
}

function play(p: Player): void {
  const room = p.client.room;
  const seat = p.client.welcome?.you.seat;
  const view = room?.view;
  if (!room || room.status !== "playing" || p.waiting || room.turn !== seat || !view || typeof view !== "object") return;
  if (!("moves" in view) || !("board" in view) || typeof view.moves !== "number" || !Array.isArray(view.board)) return;
  if (view.moves <= p.movedAt) return;
  p.movedAt = view.moves;
  p.waiting = true;
  void p.client.send({ type: "dropDisc", column: column(view.board, view.moves) }).then((o) => {
    p.outcomes.push(o);
    p.waiting = false;
  });
}

describe("the link conditioner", () => {
  it("plays a whole Connect Four match between two SDK clients over 80 ± 40 ms links that keep dying, every input acknowledged exactly once and both clients ending on the room's state", async () => {
    const room = new RoomStepper({ game: "connect-four", mode: "pvp" }, { games: [connectFour], seed: 7 });
    const link = new LinkConditioner(room, { latencyMs: 80, jitterMs: 40, dropAfterMs: [1_500, 4_000], silentShare: 0.4, straggleMs: 300, seed: 11 });
    const players: Player[] = ["p0", "p1"].map((id) => {
      const client = link.join<typeof connectFour>(id);
      const p: Player = { id, client, outcomes: [], ackIds: [], movedAt: -1, waiting: false };
      client.on("ack", (a) => p.ackIds.push(a.id));
      return p;
    });
    // Players look every 500 ms; links live 1.5-4 s, so they die many times mid-match.
    for (let i = 0; i < 10_000 && room.core.record.status !== "finished"; i++) {
      if (i % 25 === 0) for (const p of players) play(p);
      await link.advance(20);
    }
    // Then the network heals: a silent drop is noticed within a ping interval plus the dead-link wait.
    link.calm();
    await link.advance(15_000);

    const rec = room.core.record;
    expect(rec.status).toBe("finished");
    expect(rec.result).not.toBeNull();
    expect(link.stats.resets).toBeGreaterThanOrEqual(4);
    expect(link.stats.silentDrops).toBeGreaterThanOrEqual(2);
    // Each drop during the match cost a reconnect: the SDK opened many more sockets than there are players.
    expect(link.stats.sockets).toBeGreaterThanOrEqual(players.length + 6);

    const inputs = room.actions.filter((a) => a.kind === "input");
    const state = rec.game;
    if (!isC4State(state)) throw new Error("the room holds no Connect Four state");
    expect(inputs.length).toBe(state.moves);
    for (const [seat, p] of players.entries()) {
      const applied = inputs.filter((a) => a.seat === seat);
      // Every send settled once, as an ack, and the room applied each exactly once.
      expect(p.outcomes.length).toBe(applied.length);
      expect(p.outcomes.every((o) => o.ok && o.kind === "ack")).toBe(true);
      expect(new Set(p.ackIds).size).toBe(p.ackIds.length);
      expect([...p.ackIds].sort((a, b) => a - b)).toEqual(p.outcomes.map((o) => o.id).sort((a, b) => (a ?? 0) - (b ?? 0)));
      // The client ends on the room's own state: same seq, same view, same result.
      expect(p.client.lastSeq).toBe(rec.seq);
      expect(p.client.room?.view).toEqual(connectFour.view(state, seat));
      expect(p.client.room?.result).toEqual(rec.result);
    }
    for (const p of players) p.client.close();
  }, 20_000);
});

describe("the link conditioner across a reconnect", () => {
  it.each([
    { straggleMs: 150, story: "before the client is back, so the room applies it on the dead link and the resumed welcome already counts it", lastInputId: 1 },
    { straggleMs: 2_000, story: "after the client is back, so the room ignores it (that link was replaced) and applies the SDK's re-send", lastInputId: 0 },
  ])("delivers an input in flight on a link that died $straggleMs ms late: $story; either way it is applied and acknowledged once", async ({ straggleMs, lastInputId }) => {
    const room = new RoomStepper({ game: "connect-four", mode: "pvp" }, { games: [connectFour], seed: 3 });
    const link = new LinkConditioner(room, { latencyMs: 80, jitterMs: 40, straggleMs, seed: 5 });
    const p0 = link.join<typeof connectFour>("p0");
    const p1 = link.join<typeof connectFour>("p1");
    await link.advance(1_000);
    expect(room.core.record.status).toBe("playing");
    const acks: number[] = [];
    p0.on("ack", (a) => acks.push(a.id));
    const outcome = p0.send({ type: "dropDisc", column: 3 });
    await link.advance(0);
    const socket = link.openSockets().find((s) => s.connId !== null && room.core.conns.get(s.connId)?.playerId === "p0");
    if (!socket) throw new Error("p0 has no open link");
    link.drop(socket);
    await link.advance(5_000);
    expect(link.stats.stragglers).toBe(1);
    expect(link.stats.sockets).toBe(3);
    expect(p0.welcome?.resume.status).toBe("replayed");
    expect(p0.welcome?.lastInputId).toBe(lastInputId);
    expect(await outcome).toMatchObject({ ok: true, kind: "ack" });
    expect(acks).toHaveLength(1);
    expect(room.actions.filter((a) => a.kind === "input")).toHaveLength(1);
    p0.close();
    p1.close();
  });
});
