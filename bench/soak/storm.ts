/**
 * Soak phase 3: a reconnect storm. N SDK clients (Connect Four players on the SDK's default backoff),
 * each connected for longer than `stableAfterMs` so its attempt counter is back at 0, are cut at
 * once (every proxied connection reset in the same tick). Each client's first retry is then drawn
 * uniformly from [0, baseMs): the number landing in a window of W ms is binomial with p = W/baseMs,
 * mean N·p. The bound asserted for the peak over any (sliding) window of W ms is the mean plus five
 * standard deviations, ceil(N·p + 5·sqrt(N·p·(1−p))) (N = 200, W = 250 ms, base 500 ms: 136 against
 * a mean of 100), and per second N·min(1, 1000/baseMs) (each client tries once: the server is up).
 * Then some clients are replaced by a
 * second connection of their own player (terminal close 4006) and everything is cut again: the
 * replaced clients must stay `closed` with no further attempt.
 */
import { mixSeed } from "../../src/games/rng";
import { FaultClient, now, peakPerWindow, type FaultStack } from "../../test/support/fault-harness";
import type { Ledger } from "./ledger";

const BACKOFF = { baseMs: 500, capMs: 30_000, stableAfterMs: 2_000 };
const WINDOW_MS = 250;

export async function stormPhase(stack: FaultStack, ledger: Ledger, opts: { clients: number; seed: number }): Promise<Record<string, unknown>> {
  const started = now();
  const n = opts.clients - (opts.clients % 2);
  const clients: FaultClient[] = [];
  const tokens: Array<{ token: string; matchId: string }> = [];
  for (let m = 0; m < n / 2; m++) {
    const a = await stack.api.guest(`storm-${m}-a`);
    const b = await stack.api.guest(`storm-${m}-b`);
    const matchId = await stack.api.createMatch(a.token, { game: "connect-four", mode: "pvp", turnMs: 0, graceMs: 600_000 });
    for (const [i, g] of [a, b].entries()) {
      clients.push(await FaultClient.open({ stack, label: `storm${m}/${i}`, token: g.token, matchId, seed: mixSeed(opts.seed, 9000 + m * 2 + i), backoff: BACKOFF }));
      tokens.push({ token: g.token, matchId });
    }
  }
  await Promise.all(clients.map((c) => c.whenStatus("open")));
  // Held open past stableAfterMs, so every attempt counter restarts at 0 (a precondition, not a synchronisation).
  await new Promise((r) => setTimeout(r, BACKOFF.stableAfterMs + 500));
  const before = clients.map((c) => c.attempts.length);
  const back = clients.map((c) => c.nextOpen());
  const cutAt = now();
  for (const c of clients) c.liveConnection().reset();
  await Promise.all(back);
  const times = clients.flatMap((c, i) => c.attempts.slice(before[i]));
  const perClient = clients.map((c, i) => c.attempts.length - before[i]!);
  const peakWindow = peakPerWindow(times, WINDOW_MS);
  const peakSecond = peakPerWindow(times, 1000);
  const p = Math.min(1, WINDOW_MS / BACKOFF.baseMs);
  const bound = Math.min(n, Math.ceil(n * p + 5 * Math.sqrt(n * p * (1 - p))));
  const secondBound = Math.ceil(n * Math.min(1, 1000 / BACKOFF.baseMs));
  const spreadMs = Math.max(...times) - cutAt;

  // Terminal closes: a tenth of the clients are replaced by a second connection of their own player (4006).
  const replacedCount = Math.max(1, Math.floor(n / 10));
  const replaced = clients.slice(0, replacedCount);
  const replacers: FaultClient[] = [];
  for (const [i, c] of replaced.entries()) {
    const closed = c.whenStatus("closed");
    replacers.push(await FaultClient.open({ stack, label: `${c.label}+`, token: tokens[i]!.token, matchId: tokens[i]!.matchId, seed: mixSeed(opts.seed, 9900 + i), backoff: BACKOFF }));
    await closed;
  }
  const codes = replaced.map((c) => (c.client.state.status === "closed" ? (c.client.state.lastClose?.code ?? -1) : -1));
  const attemptsAtClose = replaced.map((c) => c.attempts.length);
  // A second storm: every live connection cut again; everyone else comes back; the replaced must not try.
  const others = [...clients.slice(replacedCount), ...replacers];
  const back2 = others.map((c) => c.nextOpen());
  for (const c of others) c.liveConnection().reset();
  await Promise.all(back2);
  const retriedAfterTerminal = replaced.filter((c, i) => c.attempts.length !== attemptsAtClose[i] || c.client.state.status !== "closed").length;

  const P = "storm";
  ledger.eq(P, "clients cut at once", n, opts.clients - (opts.clients % 2));
  ledger.eq(P, "clients back by themselves", perClient.filter((x) => x >= 1).length, n);
  ledger.eq(P, "socket attempts (one per client: the server was up)", times.length, n);
  ledger.atMost(P, `peak attempts in any ${WINDOW_MS} ms (bound N·p + 5σ, p = W/base, base ${BACKOFF.baseMs} ms)`, peakWindow, bound);
  ledger.atMost(P, "peak attempts in any second (bound N·min(1, 1 s/base))", peakSecond, secondBound);
  ledger.note(P, `last attempt ${Math.round(spreadMs)} ms after the cut (jitter window ${BACKOFF.baseMs} ms); ${Math.round((now() - started) / 1000)} s`);
  ledger.eq(P, "replaced clients closed with 4006 (terminal)", codes.filter((c) => c === 4006).length, replacedCount);
  ledger.eq(P, "clients that retried after a terminal code (through a second storm)", retriedAfterTerminal, 0);
  for (const c of [...clients, ...replacers]) c.close();
  return { clients: n, attempts: times.length, peakPerWindow: peakWindow, windowMs: WINDOW_MS, bound, peakPerSecond: peakSecond, secondBound, spreadMs: Math.round(spreadMs), replaced: replacedCount, retriedAfterTerminal, seconds: Math.round((now() - started) / 1000) };
}
