/**
 * One half-open link, measured on both sides (test/e2e/faults-halfopen.test.ts, bench/halfopen.ts):
 * a two-player match of Connect Four (turn-based, hibernates between moves) or the runner (real-time),
 * the victim on WebSockets through its proxy or on the HTTP fallback through a BlackholeFetch. The
 * victim's link is blackholed at a seeded phase of its ping cycle with its reconnection held, so both
 * verdicts concern the same link: the SDK's (state → reconnecting, close 4500) and the room's (the
 * opponent gets playerDisconnected for the victim's seat). Then the victim is let back in.
 */
import { SnapshotStream, type InputOutcome } from "../../src/client/internal";
import { decodeQuantized } from "../../src/games/runner";
import { dodge, newDodgePlan } from "./runner-bot";
import { Rng, mixSeed } from "../../src/games/rng";
import { CloseCode, type WelcomeFrame } from "../../src/protocol";
import { now, within, type FaultClient, type FaultClientOptions, type FaultStack } from "./fault-harness";

export type HalfOpenGame = "connect-four" | "runner";
export type HalfOpenTransport = "websocket" | "http";

/** Slack on top of the protocol's bounds: timers and I/O on a shared 2-core machine, miniflare's hop. */
export const MARGIN_MS = 1000;

export interface HalfOpenBounds {
  /** The SDK: the next ping comes within pingIntervalMs of the cut and is given up pongTimeoutMs later. */
  readonly client: number;
  /** The room: the last ping through is at or before the cut; silence of timeoutMs is found at the next check. */
  readonly room: number;
}

/** The detection bounds implied by a welcome's heartbeat parameters, margin included. */
export function boundsOf(hb: WelcomeFrame["heartbeat"]): HalfOpenBounds {
  if (hb.pongTimeoutMs === undefined || hb.checkIntervalMs === undefined) throw new Error("the welcome announces no pongTimeoutMs/checkIntervalMs");
  return { client: hb.pingIntervalMs + hb.pongTimeoutMs + MARGIN_MS, room: hb.timeoutMs + hb.checkIntervalMs + MARGIN_MS };
}

export interface HalfOpenSample {
  readonly game: HalfOpenGame;
  readonly transport: HalfOpenTransport;
  readonly victim: string;
  /** Cut → the SDK declared the link dead. */
  readonly client: number;
  /** Cut → the opponent was told playerDisconnected by the room. */
  readonly room: number;
  readonly bounds: HalfOpenBounds;
  /** The close the SDK reported. */
  readonly lastClose: { code: number; reason: string } | null;
  /** The victim's resume status once let back in. */
  readonly resumed: string;
}

export type Opener = (label: string, token: string, matchId: string, seed: number, extra?: Partial<Pick<FaultClientOptions, "transport">>) => Promise<FaultClient>;

export interface CutOptions {
  readonly game: HalfOpenGame;
  readonly transport: HalfOpenTransport;
  readonly label: string;
  readonly seed: number;
  /** Pending blackholed links, reset after the run (their sockets must end before the stack stops). */
  readonly cuts: Array<{ reset: () => void }>;
}

/** Play one blackholed link through to both verdicts and the victim's return. */
export async function halfOpenCut(stack: FaultStack, open: Opener, o: CutOptions): Promise<HalfOpenSample> {
  const a = await stack.api.guest(`${o.label}-a`);
  const b = await stack.api.guest(`${o.label}-b`);
  const settings = o.game === "runner" ? { game: "runner", mode: "pvp", seats: 2, graceMs: 600_000, options: { durationSeconds: 90 } } : { game: "connect-four", mode: "pvp", turnMs: 0, graceMs: 600_000 };
  const matchId = await stack.api.createMatch(a.token, settings);
  const victim = await open(`${o.label}/victim`, a.token, matchId, o.seed * 2 + 1, { transport: o.transport });
  await victim.whenStatus("open");
  const opponent = await open(`${o.label}/opponent`, b.token, matchId, o.seed * 2 + 2);
  if (o.game === "runner") for (const p of [victim, opponent]) runnerBot(p);
  await Promise.all([victim, opponent].map((p) => p.untilRoom((r) => r.status === "playing")));
  if (o.game === "connect-four") {
    const first = [victim, opponent].find((p) => p.room.turn === p.seat)!;
    const ack = await first.send({ type: "dropDisc", column: 3 });
    if (!(ack.ok && ack.kind === "ack")) throw new Error(`${o.label}: first move refused`);
  }
  const hb = victim.welcomes.at(-1)!.frame.heartbeat;
  const bounds = boundsOf(hb);
  const hold = victim.hold();
  // A seeded phase of the victim's ping cycle, so the samples cover "right after a ping" to "right before one".
  // This pause only sets the phase; it synchronises nothing.
  await new Promise((r) => setTimeout(r, new Rng(mixSeed(o.seed, 600)).int(hb.pingIntervalMs)));

  const dead = victim.next("state", (s) => s.status === "reconnecting");
  const disconnected = opponent.next("update", (u) => u.events.some((e) => e.type === "playerDisconnected" && e["seat"] === victim.seat));
  const reopened = victim.nextOpen();
  const cutAt = now();
  o.cuts.push(victim.blackhole());
  const times = { client: 0, room: 0 };
  const clientSide = dead.then((s) => {
    times.client = now() - cutAt;
    return s;
  });
  const roomSide = disconnected.then(() => (times.room = now() - cutAt));
  const state = await within(clientSide, bounds.client + 5000, `${o.label}: the SDK noticing the half-open link`);
  await within(roomSide, bounds.room + 5000, `${o.label}: the room noticing the half-open link`);
  hold.release();
  await within(reopened, 15_000, `${o.label}: back after the half-open link`);
  const resumed = victim.welcomes.at(-1)!.frame.resume.status;
  for (const p of [victim, opponent]) p.close();
  return {
    game: o.game,
    transport: o.transport,
    victim: victim.label,
    client: times.client,
    room: times.room,
    bounds,
    lastClose: state.status === "reconnecting" ? state.lastClose : null,
    resumed,
  };
}

/** The SDK's heartbeat close, as a sample must report it. */
export const HEARTBEAT_CLOSE = { code: CloseCode.HEARTBEAT_TIMEOUT, reasonPrefix: "no frame from the server" } as const;

/**
 * A scripted runner that keeps its player standing, so the race (and the room's 50 ms loop) is live
 * while the link is cut: for the next obstacle it sends the jump or duck stamped with the exact tick.
 * (The same steering as test/e2e/faults-runner.test.ts's bot.)
 */
export function runnerBot(c: FaultClient): void {
  const stream = new SnapshotStream();
  const plan = newDodgePlan();
  c.client.on("welcome", () => stream.reset());
  c.client.on("snap", (snap) => {
    stream.apply(snap);
    if (!stream.values) return;
    dodge(decodeQuantized(stream.values), c.seat, plan, (tick, input) => void c.send({ tick, ...input }).catch(() => undefined));
  });
}
