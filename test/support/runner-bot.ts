/**
 * A scripted runner player over the SDK, shared by the runner fault test and `npm run soak`: it
 * rebuilds the race from `snap` frames and, for the next obstacle, sends the button change stamped
 * with the exact tick it is meant for (a jump centred on a low obstacle, a duck held through a high
 * one), plus a button-less input on every fourth snapshot so inputs are always in flight.
 */
import { SnapshotStream, type InputOutcome } from "../../src/client/internal";
import { LOW_WIDTH, PLAYER_WIDTH, decodeQuantized, type RunnerFrame } from "../../src/games/runner";
import { now, type FaultClient } from "./fault-harness";

export interface RaceSeen {
  /** Whether the player's runner was standing in the last snapshot (a knocked-out runner sends nothing more). */
  standing: boolean;
  /** Input ids a `snap.dur` confirmed applied-or-settled and durable (the SDK's `durable` event). */
  durable: Set<number>;
  /** Input ids the room discarded with the final notice ROUND_ENDED (admitted, round over before their tick). */
  discarded: Set<number>;
  snaps: Array<{ t: number; tick: number }>;
  welcomes: Array<{ t: number; tick: number }>;
  held: Array<{ t: number; tick: number }>;
  /**
   * `allBack`: in the room snapshot that came with the announcement (the server's state when it sent it),
   * every human seat is connected and has no grace window running; null for an update replayed on a welcome.
   */
  resuming: Array<{ t: number; tick: number; at: number; allBack: boolean | null }>;
}

export const raceSeen = (): RaceSeen => ({ standing: true, durable: new Set(), discarded: new Set(), snaps: [], welcomes: [], held: [], resuming: [] });

export interface RaceSend {
  readonly tick: number;
  readonly outcome: Promise<InputOutcome>;
}

export interface RaceBotHooks {
  /** Called right before each send (a fault can be armed there); the argument is the stamped tick. */
  beforeSend?: (tick: number) => void;
  /** Called right after each send was handed to the SDK. */
  afterSend?: (tick: number, outcome: Promise<InputOutcome>) => void;
}

export function raceBot(c: FaultClient, seat: () => number, seen: RaceSeen, sends: RaceSend[], hooks: RaceBotHooks = {}): void {
  const stream = new SnapshotStream();
  const plan = newDodgePlan();
  c.client.on("durable", (d) => d.ids.forEach((id) => seen.durable.add(id)));
  c.client.on("gameError", (e) => {
    if (e.code === "ROUND_ENDED") seen.discarded.add(e.id);
  });
  c.client.on("welcome", (w) => {
    stream.reset();
    const view = w.frame.room.view as { tick?: number } | null;
    seen.welcomes.push({ t: now(), tick: view?.tick ?? -1 });
  });
  c.client.on("update", (u) => {
    for (const e of u.events) {
      if (e.type === "raceHeld") seen.held.push({ t: now(), tick: Number(e["tick"]) });
      if (e.type === "raceResuming") {
        const allBack = u.room ? u.room.seats.every((s) => s.kind !== "human" || (s.connected && s.graceUntil === null)) : null;
        seen.resuming.push({ t: now(), tick: Number(e["tick"]), at: Number(e["at"]), allBack });
      }
    }
  });
  c.client.on("snap", (snap) => {
    stream.apply(snap);
    seen.snaps.push({ t: now(), tick: snap.tick });
    if (!stream.values) return;
    const frame: RunnerFrame = decodeQuantized(stream.values);
    const me = frame.players[seat()];
    seen.standing = !!me && me.standing && frame.phase !== "over";
    if (!me || !me.standing || frame.phase === "over") return;
    const send = (tick: number, input: { jump?: boolean; duck?: boolean }) => {
      hooks.beforeSend?.(tick);
      const outcome = c.send({ tick, ...input });
      sends.push({ tick, outcome });
      hooks.afterSend?.(tick, outcome);
    };
    // A button-less input (it changes nothing) on every fourth snapshot, countdown and holds included:
    // a steady stream of inputs in flight whenever a fault strikes, for the lost/doubled count.
    if (snap.tick % 12 === 0) send(frame.tick + 3, {});
    if (frame.phase !== "racing") return;
    dodge(frame, seat(), plan, send);
  });
}

/** What a dodging bot already planned, so each obstacle gets one jump or duck. */
export interface DodgePlan {
  jumpFor: number;
  duckFor: number;
}
export const newDodgePlan = (): DodgePlan => ({ jumpFor: -1, duckFor: -1 });

/**
 * The scripted player's decision for the next obstacle: jump a low one, duck a high one, stamped for
 * the exact tick and planned up to 24 ticks (400 ms) ahead, so a slow event loop on a loaded machine
 * still gets the input in on time.
 */
export function dodge(frame: RunnerFrame, seat: number, plan: DodgePlan, send: (tick: number, input: { jump?: boolean; duck?: boolean }) => void): void {
  const me = frame.players[seat];
  if (!me || !me.standing || frame.phase !== "racing") return;
  const next = frame.obstacles.find((o) => o.x + (o.kind === "low" ? LOW_WIDTH : 600) > me.x);
  if (!next) return;
  const gap = next.x - (me.x + PLAYER_WIDTH);
  const speed = Math.max(1, frame.speed);
  if (next.kind === "low") {
    if (me.duckHeld) send(frame.tick + 1, { duck: false });
    const jumpAt = Math.trunc((29 * speed) / 2) - Math.trunc((PLAYER_WIDTH + LOW_WIDTH) / 2);
    const at = frame.tick + Math.max(1, Math.ceil((gap - jumpAt) / speed));
    if (at - frame.tick <= 24 && plan.jumpFor < next.x) {
      plan.jumpFor = next.x;
      send(at, { jump: true });
    }
  } else if (!me.duckHeld && plan.duckFor < next.x && gap <= 24 * speed) {
    plan.duckFor = next.x;
    send(frame.tick + Math.max(1, Math.min(24, Math.floor((gap - 4 * speed) / speed))), { duck: true });
  }
}

/** What the replay says about one player's inputs, against the SDK's own outcomes (its notion of acknowledged). */
export interface InputAudit {
  acked: number;
  dups: number;
  refused: number;
  /** Acknowledged as durable (turn-based: the ack; real-time: a `snap.dur` covering it) and not in the replay: must be 0. */
  lost: number;
  /** Real-time: admitted, then discarded by a ROUND_ENDED notice (not applied, and checked not applied). */
  discarded: number;
  /** Real-time: admitted, neither discarded nor in the replay (a re-send the room failed to apply after a restart): must be 0. */
  neverApplied: number;
  /** Real-time: admitted but no `snap.dur` covered it before the client closed (not part of the durable promise). */
  notConfirmed: number;
  doubled: number;
  /** Inputs in the replay that the SDK never reported acknowledged. */
  unacked: number;
  /** Refusal kinds/codes seen. */
  refusals: string[];
}

/**
 * Audit one seat's outcomes against the replay. Without `realtime`, an ack is final and durable (turn-based).
 * With it, the contract of protocol §8.3: an ack is an admission; `snap.dur` is the durable promise, and a
 * ROUND_ENDED notice is the one way an admitted input ends unapplied.
 */
export function auditInputs(outcomes: readonly InputOutcome[], applied: ReadonlyArray<number | null | undefined>, realtime?: Pick<RaceSeen, "durable" | "discarded">): InputAudit {
  const a: InputAudit = { acked: 0, dups: 0, refused: 0, lost: 0, discarded: 0, neverApplied: 0, notConfirmed: 0, doubled: 0, unacked: 0, refusals: [] };
  const ackedIds = new Set<number>();
  for (const o of outcomes) {
    const times = applied.filter((id) => id === o.id).length;
    if (o.kind === "closed") continue; // the client closed for good: it may or may not have been applied
    if (o.kind !== "ack") {
      a.refused += 1;
      a.refusals.push(o.kind === "gameError" ? o.code : o.kind);
      // A refused input must not have been applied.
      if (times > 0) a.doubled += times;
      continue;
    }
    ackedIds.add(o.id);
    a.acked += 1;
    if (o.dup) a.dups += 1;
    if (times > 1) a.doubled += times - 1;
    if (!realtime) {
      if (times === 0) a.lost += 1;
      continue;
    }
    if (realtime.discarded.has(o.id)) {
      a.discarded += 1;
      if (times > 0) a.doubled += times; // discarded yet applied: counted as a double application
      continue;
    }
    if (times === 0) a.neverApplied += 1;
    if (!realtime.durable.has(o.id)) a.notConfirmed += 1;
    else if (times === 0) a.lost += 1;
  }
  a.unacked = applied.filter((id) => id === null || id === undefined || !ackedIds.has(id)).length;
  return a;
}
