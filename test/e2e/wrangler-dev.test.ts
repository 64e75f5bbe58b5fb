import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, type Guest } from "../support/api";
import { openNodeSocket } from "../support/node-socket";
import type { TestSocket } from "../support/test-socket";
import { startWranglerDev, type DevServer } from "../support/wrangler-dev";

let server: DevServer;
let api: Api;

beforeAll(async () => {
  server = await startWranglerDev();
  api = new Api((input, init) => fetch(input, init), server.base);
});
afterAll(async () => {
  await server?.stop();
});

async function connect(g: Guest, matchId: string): Promise<TestSocket> {
  const { url } = await api.ticket(g.token, matchId);
  return openNodeSocket(url);
}

describe("a real wrangler dev process over real sockets", () => {
  it("serves health and two Node clients play Connect Four to a win", async () => {
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    const alice = await api.guest("Alice");
    const bob = await api.guest("Bob");
    const matchId = await api.createMatch(alice.token, { game: "connect-four" });
    const a = await connect(alice, matchId);
    await a.next("welcome");
    const b = await connect(bob, matchId);
    await b.next("welcome");
    await a.nextEvent("matchStarted");
    const moves = [3, 4, 3, 4, 3, 4, 3];
    for (let i = 0; i < moves.length; i++) {
      const s = i % 2 === 0 ? a : b;
      s.send({ t: "input", id: i + 1, data: { type: "dropDisc", column: moves[i] ?? 0 } });
      await s.next("ack", (x) => x.id === i + 1);
    }
    const end = await b.nextEvent("matchEnded");
    expect(end.room.result).toMatchObject({ winner: 0, reason: "win" });
    a.sendRaw("ping");
    await a.nextText("pong");
    a.close();
    b.close();
  });

  it("runs the protocol example script against the AI to the end of a match", async () => {
    const run = promisify(execFile);
    const script = resolve(import.meta.dirname, "../../examples/play-vs-ai.mjs");
    const { stdout } = await run(process.execPath, [script, server.base, "easy"], { timeout: 60_000 });
    expect(stdout).toMatch(/result: (win|draw)/);
  });
});
