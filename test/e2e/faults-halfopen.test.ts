/**
 * Fault injection, part 3: half-open links (docs/reliability.md, scenario 4).
 *
 * A player's link is blackholed: the socket (or the fallback's stream and POSTs) stays open and
 * nothing passes, no FIN, no RST. The SDK must notice through its heartbeat (welcome.heartbeat:
 * a ping every pingIntervalMs, given up pongTimeoutMs later) and the room through its own (no ping
 * or frame for timeoutMs, checked every checkIntervalMs: on the real-time loop, or by the
 * turn-based watchdog), declaring the seat disconnected, which the opponent sees.
 *
 * Both games (Connect Four, turn-based; the runner, real-time) × both transports (WebSocket
 * through a fault proxy; the HTTP fallback through a blackholing fetch), LINKS links each, all at
 * once. The victim's reconnection is held until the room's verdict, so both sides are measured on
 * the same link; then it comes back by resume. Each detection must be within the bound the
 * welcome's parameters imply (interval + timeout, timeout + check period) plus MARGIN_MS; the
 * figures are printed and each printed figure is asserted. bench/halfopen.ts runs the same with 40
 * links per case and saves p50/p95.
 *
 * Run alone: npx vitest run --project e2e test/e2e/faults-halfopen  (seed: EDGEROOM_FAULT_SEED)
 */
import { describe, expect, it } from "vitest";
import { mixSeed } from "../../src/games/rng";
import { faultSeed, ms, percentile, printTable, useFaultStack } from "../support/fault-harness";
import { HEARTBEAT_CLOSE, MARGIN_MS, halfOpenCut, type HalfOpenGame, type HalfOpenSample, type HalfOpenTransport } from "../support/halfopen-cut";

const SEED = faultSeed();
const LINKS = 2;
const CASES: ReadonlyArray<readonly [HalfOpenGame, HalfOpenTransport]> = [
  ["connect-four", "websocket"],
  ["connect-four", "http"],
  ["runner", "websocket"],
  ["runner", "http"],
];
/** The goal: a half-open link found within 5 s on each side. */
const GOAL_MS = 5000;

const cuts: Array<{ reset: () => void }> = [];
// Blackholed links are reset first, so their sockets end before the stack stops.
const suite = useFaultStack("faults-halfopen", SEED, () => {
  for (const c of cuts) c.reset();
});

describe("fault injection: half-open links", () => {
  it(`notices a blackholed link on both sides within the heartbeat bounds, for both games and both transports (${CASES.length * LINKS} links at once)`, async () => {
    const samples = await Promise.all(
      CASES.flatMap(([game, transport], c) =>
        Array.from({ length: LINKS }, (_, i) => halfOpenCut(suite.stack, suite.open, { game, transport, label: `half-${game}-${transport}-${i}`, seed: mixSeed(SEED, 500 + c * 100 + i), cuts })),
      ),
    );
    const stat = (v: number[]) => `${ms(percentile(v, 50))} / ${ms(percentile(v, 95))} / ${ms(Math.max(...v))} (n=${v.length})`;
    const rows: Array<[string, string]> = [];
    for (const [game, transport] of CASES) {
      const of = samples.filter((s) => s.game === game && s.transport === transport);
      const b = of[0]!.bounds;
      rows.push([`${game} / ${transport}: client, cut → dead, p50 / p95 / max (bound ${b.client} ms)`, stat(of.map((s) => s.client))]);
      rows.push([`${game} / ${transport}: room, cut → playerDisconnected (bound ${b.room} ms)`, stat(of.map((s) => s.room))]);
    }
    printTable(`faults-halfopen: ${samples.length} blackholed links (seed ${SEED}; bounds include a ${MARGIN_MS} ms margin)`, rows);
    // Every printed figure, asserted: each detection within its bound (so p50, p95 and max are), and the bounds within the goal.
    for (const s of samples) {
      expect(s.client, `${s.victim}: client detection`).toBeLessThanOrEqual(s.bounds.client);
      expect(s.room, `${s.victim}: room detection`).toBeLessThanOrEqual(s.bounds.room);
      expect(s.bounds.client - MARGIN_MS).toBeLessThanOrEqual(GOAL_MS);
      expect(s.bounds.room - MARGIN_MS).toBeLessThanOrEqual(GOAL_MS);
      expect(s.lastClose).toMatchObject({ code: HEARTBEAT_CLOSE.code, reason: expect.stringMatching(new RegExp(`^${HEARTBEAT_CLOSE.reasonPrefix}`)) });
      expect(["replayed", "snapshot"]).toContain(s.resumed);
    }
    for (const [game, transport] of CASES) expect(samples.filter((s) => s.game === game && s.transport === transport)).toHaveLength(LINKS);
    // The room declared exactly the victims' links dead, and nothing else.
    const countTimeouts = () => (suite.stack.output().match(/"event":"heartbeat_timeout"/g) ?? []).length;
    await suite.stack.untilOutput(() => countTimeouts() >= samples.length);
    expect(countTimeouts()).toBe(samples.length);
  }, 90_000);
});
