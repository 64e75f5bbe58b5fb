/**
 * Fault injection, part 3: half-open links (docs/reliability.md, scenario 4).
 *
 * The proxy blackholes a player's connection: both sockets stay open and
 * nothing passes, no FIN, no RST. The client SDK must notice through its
 * heartbeat (a "ping" unanswered for 5 s) and reconnect; the room must
 * notice through its own (no ping for heartbeat.timeoutMs = 15 s, checked
 * by the room's alarm, so up to about twice that) and declare the seat
 * disconnected, which the opponent sees as playerDisconnected.
 *
 * Eight matches at once. In six, the victim's reconnection is held (its token
 * request waits) until the opponent has seen the room's verdict, so both
 * sides' detection is measured on the same link; in two, the victim comes
 * back by itself, which measures the whole client-side recovery. The waits
 * are on events; the bounds below are the protocol's promises (with slack),
 * not measurements: the figures are printed.
 *
 * Run alone: npx vitest run --project e2e test/e2e/faults-halfopen  (seed: EDGEROOM_FAULT_SEED)
 */
import { describe, expect, it } from "vitest";
import { Rng, mixSeed } from "../../src/games/rng";
import { CloseCode } from "../../src/protocol";
import { C4Match } from "../support/fault-c4";
import { faultSeed, ms, now, percentile, printTable, useFaultStack, within } from "../support/fault-harness";
import type { ProxyConnection } from "../support/fault-proxy";

const SEED = faultSeed();
const HELD = 6;
const FREE = 2;
// The protocol's bounds: the SDK pings every welcome.heartbeat.pingIntervalMs and gives up 5 s after an unanswered
// ping; the room closes a connection silent for heartbeat.timeoutMs, on an alarm that may fire up to about that late again.
const PING_INTERVAL_MS = 5000;
const CLIENT_DEAD_AFTER_MS = 5000;
const SERVER_TIMEOUT_MS = 15_000;
const SLACK_MS = 3000;

const blackholed: ProxyConnection[] = [];

// Black-holed links are reset first, so their sockets end before the stack stops.
const suite = useFaultStack("faults-halfopen", SEED, () => {
  for (const c of blackholed) c.reset();
});
const { open } = suite;

interface Sample {
  victim: string;
  held: boolean;
  /** Blackhole → the SDK declared the link dead. */
  clientFromCut: number;
  /** First ping sent into the blackhole → the SDK declared the link dead (the SDK's own bound: 5 s). */
  clientFromPing: number;
  /** Blackhole → the opponent got playerDisconnected (held victims only). */
  serverFromCut: number | null;
  /** The victim's last frame (ping or binary) that got through → the opponent got playerDisconnected. */
  serverFromLastSend: number | null;
  /** Blackhole → the victim's next welcomed connection (free victims only). */
  recovered: number | null;
}

async function halfOpen(i: number): Promise<Sample> {
  const held = i < HELD;
  const m = await C4Match.create(suite.stack, { label: `half${i}`, seed: mixSeed(SEED, 500 + i), wantAnotherRound: () => false }, open);
  const first = m.players.find((p) => p.room.turn === p.seat)!;
  expect(await first.send({ type: "dropDisc", column: 3 })).toMatchObject({ ok: true, kind: "ack" });
  const [victim, opponent] = i % 2 === 0 ? m.players : [m.players[1], m.players[0]];
  await Promise.all(m.players.map((p) => p.untilRoom((r) => (r.view as { moves: number }).moves === 1)));
  const hold = held ? victim.hold() : null;
  // Place the fault at a seeded phase of the victim's 5 s ping cycle (its pings are scheduled from its welcome), so the
  // samples cover the whole range from "right after a ping" to "right before one". This pause only sets the phase; it
  // synchronises nothing.
  await new Promise((r) => setTimeout(r, new Rng(mixSeed(SEED, 600 + i)).int(PING_INTERVAL_MS)));

  const dead = victim.next("state", (s) => s.status === "reconnecting");
  const disconnected = opponent.next("update", (u) => u.events.some((e) => e.type === "playerDisconnected" && e["seat"] === victim.seat));
  const reopened = victim.nextOpen();
  const conn = victim.liveConnection();
  const lastSendBefore = victim.sends.at(-1) ?? null;
  const cutAt = now();
  conn.blackhole();
  blackholed.push(conn);

  const state = await within(dead, PING_INTERVAL_MS + CLIENT_DEAD_AFTER_MS + SLACK_MS, `${victim.label}: the SDK noticing the half-open link`);
  const clientAt = now();
  expect(state.status === "reconnecting" && state.lastClose).toMatchObject({ code: CloseCode.HEARTBEAT_TIMEOUT, reason: expect.stringMatching(/^no frame from the server/) });
  const firstLostPing = victim.pings.find((t) => t >= cutAt);
  if (firstLostPing === undefined) throw new Error(`${victim.label}: declared dead without a ping sent into the blackhole`);

  let serverAt: number | null = null;
  if (held) {
    await within(disconnected, SERVER_TIMEOUT_MS * 2 + SLACK_MS, `${opponent.label}: the room declaring ${victim.label}'s silent socket dead`);
    serverAt = now();
    hold!.release();
  }
  const openedAt = await within(reopened, (held ? 0 : PING_INTERVAL_MS + CLIENT_DEAD_AFTER_MS) + SLACK_MS + 5000, `${victim.label}: back after the half-open link`);

  // Back on the same seat, resumed by replay: with the room's verdict and the return in it when the room noticed first.
  const w = victim.welcomes.at(-1)!;
  expect(w.frame.resume.status).toBe("replayed");
  const replayedEvents = w.plan.kind === "replayed" ? w.plan.entries.flatMap((e) => e.events.map((x) => x.type)) : [];
  if (held) expect(replayedEvents).toEqual(["playerDisconnected", "playerReconnected"]);
  // And the match goes on.
  const toMove = m.players.find((p) => p.room.turn === p.seat)!;
  expect(await toMove.send({ type: "dropDisc", column: 4 })).toMatchObject({ ok: true, kind: "ack", dup: false });

  return {
    victim: victim.label,
    held,
    clientFromCut: clientAt - cutAt,
    clientFromPing: clientAt - firstLostPing,
    serverFromCut: serverAt === null ? null : serverAt - cutAt,
    serverFromLastSend: serverAt === null || lastSendBefore === null ? null : serverAt - lastSendBefore,
    recovered: held ? null : openedAt - cutAt,
  };
}

describe("fault injection: half-open links", () => {
  it(`notices a blackholed link on both sides within the heartbeat bounds and recovers (${HELD + FREE} links at once)`, async () => {
    const samples = await Promise.all(Array.from({ length: HELD + FREE }, (_, i) => halfOpen(i)));
    const clientCut = samples.map((s) => s.clientFromCut);
    const clientPing = samples.map((s) => s.clientFromPing);
    const serverCut = samples.flatMap((s) => (s.serverFromCut === null ? [] : [s.serverFromCut]));
    const serverSend = samples.flatMap((s) => (s.serverFromLastSend === null ? [] : [s.serverFromLastSend]));
    const recovered = samples.flatMap((s) => (s.recovered === null ? [] : [s.recovered]));
    const countTimeouts = () => (suite.stack.output().match(/"event":"heartbeat_timeout"/g) ?? []).length;
    // The room's log lines reach us through workerd's pipes on their own schedule: wait for the expected ones (bounded).
    await within(suite.stack.untilOutput(() => countTimeouts() >= HELD), 10_000, () => `${HELD} heartbeat_timeout lines (saw ${countTimeouts()})`).catch(() => undefined);
    const timeouts = countTimeouts();
    const stat = (v: number[]) => `${ms(percentile(v, 50))} / ${ms(percentile(v, 95))} / ${ms(Math.max(...v))} (n=${v.length})`;
    printTable(`faults-halfopen: ${samples.length} blackholed links (seed ${SEED})`, [
      ["client detection from the cut, p50 / p95 / max", stat(clientCut)],
      ["client detection from the first lost ping", stat(clientPing)],
      ["server detection from the cut", stat(serverCut)],
      ["server detection from the last frame through", stat(serverSend)],
      ["room heartbeat_timeout closes logged", timeouts],
      ["unheld clients back (cut → open)", stat(recovered)],
    ]);
    // Exactly one heartbeat close per held victim: the room declared those sockets dead, and nothing else.
    expect(timeouts).toBe(HELD);
    expect(samples.filter((s) => s.held)).toHaveLength(HELD);
  }, 75_000);
});
