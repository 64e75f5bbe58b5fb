/**
 * Fault injection, part 4: bad resume data (docs/reliability.md, scenario 6).
 *
 * Raw `ws` connections, through a proxy like every client of the suite,
 * present crafted resume data: an unknown session, another player's session,
 * a lastSeq ahead of the room (player and spectator), resume data from a
 * player with no seat, and syntactically malformed values. The room must
 * refuse each without an exception: 4010 after the upgrade (no frame sent),
 * or HTTP 400 at the worker for what does not parse. Meanwhile the real
 * players, two SDK clients, must not notice anything: no reconnect, no
 * replaced session, and the match plays on.
 *
 * Run alone: npx vitest run --project e2e test/e2e/faults-refusals  (seed: EDGEROOM_FAULT_SEED)
 */
import WebSocket from "ws";
import { beforeAll, describe, expect, it } from "vitest";
import { mixSeed } from "../../src/games/rng";
import { CloseCode, decodeServerFrame } from "../../src/protocol";
import { C4Match } from "../support/fault-c4";
import { faultSeed, printTable, useFaultStack, within, refusalNoise, uncaughtErrors } from "../support/fault-harness";
import type { FaultProxy } from "../support/fault-proxy";

const SEED = faultSeed();

let rawProxy: FaultProxy;
let outputFrom = 0;
let refusedCases = -1;

const suite = useFaultStack("faults-refusals", SEED);
const { open } = suite;

beforeAll(async () => {
  rawProxy = await suite.stack.proxy(mixSeed(SEED, 700));
}, 90_000);

type RawResult = { kind: "http"; status: number } | { kind: "closed"; code: number; reason: string; frames: string[] };

/** One raw attempt: the ticket URL pointed at the proxy, with `query` appended verbatim. */
async function raw(token: string, matchId: string, role: "player" | "spectator", query: string): Promise<RawResult> {
  const { url } = await suite.stack.api.ticket(token, matchId, role);
  const u = new URL(url);
  u.host = `127.0.0.1:${rawProxy.port}`;
  const ws = new WebSocket(`${u.toString()}${query}`);
  ws.binaryType = "arraybuffer";
  const frames: string[] = [];
  ws.on("message", (data: ArrayBuffer) => {
    const f = decodeServerFrame(data);
    frames.push(f.ok ? f.value.t : "undecodable");
    if (f.ok && f.value.t === "welcome") ws.close(1000, "control case done");
  });
  return new Promise((resolve) => {
    ws.on("error", (err) => {
      const status = /Unexpected server response: (\d+)/.exec(err.message);
      if (status) resolve({ kind: "http", status: Number(status[1]) });
    });
    ws.on("close", (code, reason) => resolve({ kind: "closed", code, reason: reason.toString(), frames }));
  });
}

describe("fault injection: bad resume data", () => {
  it("refuses unknown, foreign, impossible and malformed resume data without an exception, and the real players never notice", async () => {
    const m = await C4Match.create(suite.stack, { label: "resume", seed: mixSeed(SEED, 701), wantAnotherRound: () => false }, open);
    const [a, b] = m.players;
    const first = m.players.find((p) => p.room.turn === p.seat)!;
    expect(await first.send({ type: "dropDisc", column: 2 })).toMatchObject({ ok: true, kind: "ack" });
    await Promise.all(m.players.map((p) => p.untilRoom((r) => (r.view as { moves: number }).moves === 1)));
    const [outsiderG, watcherG] = [await suite.stack.api.guest("outsider"), await suite.stack.api.guest("watcher")];
    const roomSeq = a.client.lastSeq ?? 0;
    const aSession = a.client.welcome!.session;
    const bSession = b.client.welcome!.session;
    const before = { a: a.proxy.stats.accepted, b: b.proxy.stats.accepted, aStates: a.states.length, bStates: b.states.length };
    outputFrom = suite.stack.output().length;

    const refused: Array<[string, "player" | "spectator", string, string]> = [
      ["unknown session", "player", `&session=unknown0session0value00000000&lastSeq=${roomSeq}`, a.token],
      ["another player's session", "player", `&session=${bSession}&lastSeq=${roomSeq}`, a.token],
      ["own session, lastSeq ahead of the room", "player", `&session=${aSession}&lastSeq=${roomSeq + 5}`, a.token],
      ["no session, lastSeq only (player)", "player", `&lastSeq=${roomSeq}`, a.token],
      ["player without a seat, resume data", "player", `&session=${aSession}&lastSeq=0`, outsiderG.token],
      ["spectator, lastSeq ahead of the room", "spectator", `&lastSeq=${roomSeq + 1}`, watcherG.token],
      ["spectator, lastSeq far beyond 2^32", "spectator", `&lastSeq=${2 ** 40}`, watcherG.token],
    ];
    const malformed: Array<[string, string]> = [
      ["lastSeq not a number", "&session=abc&lastSeq=abc"],
      ["lastSeq negative", "&lastSeq=-1"],
      ["lastSeq fractional", "&lastSeq=1.5"],
      ["lastSeq beyond 2^53", "&lastSeq=9007199254740993"],
      ["lastSeq Infinity", "&lastSeq=Infinity"],
      ["session with bad characters", `&session=${encodeURIComponent("a b!")}&lastSeq=0`],
      ["session too long", `&session=${"s".repeat(65)}&lastSeq=0`],
    ];
    const [refusedResults, malformedResults, control] = await Promise.all([
      Promise.all(refused.map(([, role, q, token]) => raw(token, m.matchId, role, q))),
      Promise.all(malformed.map(([, q]) => raw(a.token, m.matchId, "player", q))),
      // Control: spectators' sessions are not checked, so a foreign one with a sane lastSeq resumes.
      raw(watcherG.token, m.matchId, "spectator", `&session=${bSession}&lastSeq=${roomSeq}`),
    ]);
    printTable("faults-refusals: crafted resume data", [
      ...refused.map(([what], i) => [what, summary(refusedResults[i]!)] as const),
      ...malformed.map(([what], i) => [what, summary(malformedResults[i]!)] as const),
      ["control: spectator, foreign session, sane lastSeq", summary(control)],
    ]);

    for (const [i, r] of refusedResults.entries()) {
      expect({ case: refused[i]![0], ...r }).toEqual({ case: refused[i]![0], kind: "closed", code: CloseCode.RESUME_REJECTED, reason: expect.any(String), frames: [] });
    }
    for (const [i, r] of malformedResults.entries()) expect({ case: malformed[i]![0], ...r }).toEqual({ case: malformed[i]![0], kind: "http", status: 400 });
    expect(control).toMatchObject({ kind: "closed", code: 1000, frames: ["welcome"] });

    // The real players saw nothing: same connection, no state change, and the match plays on.
    expect({ a: a.proxy.stats.accepted, b: b.proxy.stats.accepted, aStates: a.states.length, bStates: b.states.length }).toEqual(before);
    const next = m.players.find((p) => p.room.turn === p.seat)!;
    expect(await next.send({ type: "dropDisc", column: 3 })).toMatchObject({ ok: true, kind: "ack", dup: false });
    await Promise.all(m.players.map((p) => p.untilRoom((r) => (r.view as { moves: number }).moves === 2)));
    await a.whenStatus("open");
    await b.whenStatus("open");

    refusedCases = refused.length;
  }, 60_000);

  it("logged each refusal once, by the book, and no uncaught exception or error stack in the whole run", async () => {
    const refusalLines = () => suite.stack.output().slice(outputFrom).split("\n").filter((l) => l.includes('"event":"join_refused"'));
    await within(suite.stack.untilOutput(() => refusalLines().length >= refusedCases), 10_000, () => `${refusedCases} join_refused lines in the server output (saw ${refusalLines().length})`);
    const refusals = refusalLines();
    expect(refusals).toHaveLength(refusedCases);
    expect(refusals.every((l) => l.includes(`"code":${CloseCode.RESUME_REJECTED}`))).toBe(true);
    expect(uncaughtErrors(suite.stack.output())).toEqual([]);
    // At most one line of local workerd noise per socket refused in this run (see refusalNoise).
    expect(refusalNoise(suite.stack.output())).toBeLessThanOrEqual(refusedCases);
  });
});

function summary(r: RawResult): string {
  return r.kind === "http" ? `HTTP ${r.status}` : `close ${r.code} ${r.reason}${r.frames.length ? ` after ${r.frames.join(",")}` : ", no frame"}`;
}

