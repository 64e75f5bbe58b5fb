/**
 * The client SDK (`edgeroom/client`) playing the app's game through the worker: `joinMatch` typed by
 * the game, its join tickets fetched from SELF, and its WebSocket opened as a SELF.fetch upgrade
 * (in a browser, `joinMatch({ baseUrl, matchId, getToken })` is all it takes).
 */
import { SELF } from "cloudflare:test";
import { joinMatch, type WebSocketConstructor } from "edgeroom/client";
import { describe, expect, it } from "vitest";
import type { ticTacToe } from "../src/tic-tac-toe";
import { BASE, createMatch, guest } from "./helpers";

type Listener = (ev?: { data?: unknown; code?: number; reason?: string }) => void;

/** The WebSocket the SDK opens, carried by the worker's upgrade response inside workerd. */
class SelfWebSocket {
  binaryType = "arraybuffer";
  private ws: WebSocket | null = null;
  private closed = false;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(url: string) {
    SELF.fetch(url.replace(/^ws/, "http"), { headers: { Upgrade: "websocket" } }).then(
      (res) => {
        const ws = res.webSocket;
        if (ws === null || this.closed) return this.fail(`upgrade answered ${res.status}`);
        ws.accept();
        ws.binaryType = "arraybuffer";
        this.ws = ws;
        ws.addEventListener("message", (ev) => this.emit("message", { data: ev.data }));
        ws.addEventListener("close", (ev) => this.emit("close", { code: ev.code, reason: ev.reason }));
        ws.addEventListener("error", () => this.emit("error"));
        this.emit("open");
      },
      (err: unknown) => this.fail(String(err)),
    );
  }

  send(data: Uint8Array | string): void {
    this.ws?.send(data);
  }

  close(code?: number, reason?: string): void {
    this.closed = true;
    this.ws?.close(code, reason);
  }

  addEventListener(type: "open" | "message" | "close" | "error", listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  private emit(type: string, ev?: Parameters<Listener>[0]): void {
    for (const fn of this.listeners.get(type) ?? []) fn(ev);
  }

  private fail(reason: string): void {
    this.emit("error");
    this.emit("close", { code: 1006, reason });
  }
}

function connect(matchId: string, token: string) {
  return joinMatch<typeof ticTacToe>({
    baseUrl: BASE,
    matchId,
    getToken: async () => token,
    fetch: (url, init) => SELF.fetch(url, init),
    WebSocket: SelfWebSocket as unknown as WebSocketConstructor,
    transport: "websocket",
    onlineEvents: null,
  });
}

describe("the SDK against the starter's worker", () => {
  it("two typed clients play a match to the end", async () => {
    const ada = await guest("Ada");
    const bo = await guest("Bo");
    const matchId = await createMatch(ada.token, "tic-tac-toe");
    const a = connect(matchId, ada.token);
    const b = connect(matchId, bo.token);
    try {
      const finished = new Promise<void>((resolve) => b.on("update", (u) => u.room?.status === "finished" && resolve()));
      // Wait until both are seated and a turn is set.
      await new Promise<void>((resolve) => {
        const check = () => typeof a.room?.turn === "number" && a.room.status === "playing" && b.room?.status === "playing" && resolve();
        for (const c of [a, b]) {
          c.on("welcome", check);
          c.on("update", check);
        }
        check();
      });
      const mover = a.room?.turn === a.welcome?.you.seat ? a : b;
      const other = mover === a ? b : a;
      // Seat to move takes the left column; the other the middle one.
      for (const [client, cell] of [[mover, 0], [other, 1], [mover, 3], [other, 4], [mover, 6]] as const) {
        const outcome = await client.send({ type: "mark", cell });
        expect(outcome).toMatchObject({ ok: true, kind: "ack" });
      }
      await finished;
      expect(b.room?.result).toMatchObject({ reason: "win", winner: mover.welcome?.you.seat });
      expect(b.room?.view?.line).toEqual([0, 3, 6]);
    } finally {
      a.close();
      b.close();
    }
  });
});
