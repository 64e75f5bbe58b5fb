/**
 * The bots' brain, the same for Edgeroom, Colyseus and PartyServer, on the
 * decoded quantised state: the game's scripted runner (src/games/runner/bot.ts)
 * jumps a low obstacle when the gap reaches `jumpAt` and ducks a high one; this
 * brain computes those ticks ahead from the state it sees and the course's own
 * speed schedule (`speedAt`), and sends each input up to PLAN_AHEAD_TICKS
 * (400 ms) before its tick, stamped with it. The room buffers it and applies it
 * exactly there, so a bot whose states or inputs are late by a few hundred
 * milliseconds still never falls.
 *
 * Why: the previous brain decided only for the next 3 ticks; two ticks (33 ms)
 * of lateness knocked every runner out (test/unit/bench-reactive.test.ts), so a
 * busy load generator ended matches and the capacity ramp stopped on the bots
 * instead of the server.
 *
 * Rules (the physics of src/games/runner/physics.ts): a high obstacle is ducked
 * 4 ticks before the body reaches it and the duck is kept held (ducking on the
 * ground costs nothing); the next low obstacle's jump carries `duck: false`
 * (one input may: duck is applied first); a duck is never pressed before the
 * last planned jump has landed (ducking mid-air is a fast fall).
 *
 * Inputs stamped far ahead are acknowledged by the peers only when applied, so
 * they say nothing about input → ack latency. That figure is taken from
 * **probes**: a button-less input (it changes nothing) stamped for the next
 * tick, once every 2 s per bot while racing, and only when no input of the bot
 * is still waiting for a later tick (Edgeroom applies a seat's inputs in order,
 * so a probe never queues behind a planned jump). Probes are stamped as the
 * previous brain's inputs were (within the next 3 ticks), so the ack figure
 * means what it meant before.
 */
import { COUNTDOWN_TICKS, HIGH_WIDTH, LOW_WIDTH, MAX_TICKS, PLAYER_WIDTH, decodeQuantized, speedAt, type RunnerInput } from "../src/games/runner";

/** Ticks covered by one snapshot interval (60 Hz simulation, 20 Hz snapshots). */
export const TICKS_PER_SNAPSHOT = 3;
/** How far ahead an input is sent (the runner admits inputs up to 30 ticks ahead). */
export const PLAN_AHEAD_TICKS = 24;
/** A probe (ack-latency sample) every this many ticks per bot: one every 2 s (with the planned inputs, about as many inputs as the previous brain sent). */
export const PROBE_EVERY_TICKS = 120;
/** Ticks a jump lasts from its input to landing (y after k ticks is 87k − 3k²). */
const JUMP_TICKS = 29;
/** A high obstacle is ducked this many ticks of run before the body reaches it. */
const DUCK_EARLY_TICKS = 4;

/** What one bot remembers between states. */
export interface BotMemory {
  /** Left edges of the obstacles already given their input. */
  readonly planned: Set<number>;
  /** The latest tick an input was stamped for (a probe waits until the race has passed it). */
  lastStampedTick: number;
  /** The tick the last planned jump lands (no duck before it). */
  landsAt: number;
  /** The tick of the state the last probe was sent on. */
  lastProbeAt: number;
}

export const newBotMemory = (): BotMemory => ({ planned: new Set(), lastStampedTick: -1, landsAt: -1, lastProbeAt: -PROBE_EVERY_TICKS });

export interface PlannedInput {
  readonly input: RunnerInput;
  /** A button-less probe: its send → ack time is the ack-latency figure. */
  readonly probe: boolean;
}

export type Decision = { readonly kind: "none" } | { readonly kind: "inputs"; readonly inputs: readonly PlannedInput[] } | { readonly kind: "out" } | { readonly kind: "over" };

/** Where the scripted runner starts a jump: the passage over the obstacle centred on the jump's peak. */
const jumpAt = (speed: number) => Math.trunc((JUMP_TICKS * speed) / 2) - Math.trunc((PLAYER_WIDTH + LOW_WIDTH) / 2);

/** Decide from the current quantised state what (if anything) to send now; updates `mem`. */
export function decide(quantised: readonly number[], seat: number, mem: BotMemory): Decision {
  const frame = decodeQuantized(quantised);
  if (frame.phase === "over") return { kind: "over" };
  const me = frame.players[seat];
  if (me === undefined || !me.standing) return { kind: "out" };
  const inputs: PlannedInput[] = [];
  const send = (input: RunnerInput) => {
    // The longest match ends at MAX_TICKS; an input stamped later is refused (INVALID_INPUT).
    if (input.tick >= MAX_TICKS) return;
    inputs.push({ input, probe: false });
    mem.lastStampedTick = Math.max(mem.lastStampedTick, input.tick);
  };
  const ahead = frame.obstacles.filter((o) => o.x + (o.kind === "low" ? LOW_WIDTH : HIGH_WIDTH) > me.x && !mem.planned.has(o.x)).sort((a, b) => a.x - b.x);
  // Walk the course tick by tick at its own speed schedule; each obstacle gets its input at the first tick it is due.
  let x = me.x;
  let i = 0;
  for (let t = Math.max(frame.tick, COUNTDOWN_TICKS); t <= frame.tick + PLAN_AHEAD_TICKS && i < ahead.length; ) {
    const o = ahead[i] as (typeof ahead)[number];
    const speed = speedAt(t);
    const gap = o.x - (x + PLAYER_WIDTH);
    if (o.kind === "low" && gap <= jumpAt(speed)) {
      send({ tick: t, jump: true, duck: false });
      mem.landsAt = t + JUMP_TICKS;
      mem.planned.add(o.x);
      i += 1;
      continue;
    }
    if (o.kind === "high" && gap <= DUCK_EARLY_TICKS * speed) {
      send({ tick: Math.max(t, Math.min(mem.landsAt, t + DUCK_EARLY_TICKS)), duck: true });
      mem.planned.add(o.x);
      i += 1;
      continue;
    }
    x += speed;
    t += 1;
  }
  // Forget obstacles well behind (memory stays flat over a long match).
  for (const ox of mem.planned) if (ox < me.x - 20_000) mem.planned.delete(ox);
  if (inputs.length === 0 && frame.phase === "racing" && frame.tick - mem.lastProbeAt >= PROBE_EVERY_TICKS && mem.lastStampedTick < frame.tick) {
    mem.lastProbeAt = frame.tick;
    mem.lastStampedTick = frame.tick + 1;
    inputs.push({ input: { tick: frame.tick + 1 }, probe: true });
  }
  return inputs.length ? { kind: "inputs", inputs } : { kind: "none" };
}
