/**
 * A match walked with the pure game functions alone (no room): seeded choices
 * of legal moves, refused moves and forfeits for a turn-based game, or ticks
 * with random inputs for a real-time one. Recorded so it can be re-run.
 */
import { Rng } from "../../games/rng";
import type { ApplyOutcome, GameEvent, Seat, TickInput } from "../../games/types";
import type { Resolved } from "./options";
import { legalInput, noiseInput, someInput } from "./input-source";

const FORFEIT_REASONS = ["timeout", "forfeit", "resign"] as const;

export type WalkStep =
  | { readonly kind: "input"; readonly seat: Seat; readonly input: unknown; readonly by: "human" | "ai" }
  | { readonly kind: "forfeit"; readonly seat: Seat; readonly reason: (typeof FORFEIT_REASONS)[number] }
  | { readonly kind: "tick"; readonly inputs: readonly TickInput<unknown>[]; readonly forfeits: readonly Seat[] };

export interface Walk {
  readonly seed: number;
  readonly seats: number;
  readonly firstSeat: Seat;
  readonly steps: WalkStep[];
  /** The state after each step, the first entry being the new round. */
  readonly states: unknown[];
  /** What each step returned: the apply outcome, or the events of a forfeit or tick. */
  readonly outcomes: (ApplyOutcome<unknown> | { events: readonly GameEvent[] })[];
}

/** Walk one match from `seed`; `visit` sees every state reached (for checks that inspect them). */
export function walk(r: Resolved, seed: number, seats: number, visit: (state: unknown) => void = () => undefined): Walk {
  const rng = new Rng(seed ^ 0x5eed);
  const firstSeat = seed % seats;
  let state = r.game.create(seed, r.gameOptions, seats, firstSeat);
  const w: Walk = { seed, seats, firstSeat, steps: [], states: [state], outcomes: [] };
  visit(state);
  const rt = r.game.realtime;
  for (let i = 0; i < r.maxSteps && r.game.result(state) === null; i++) {
    let step: WalkStep;
    if (rt) {
      const inputs: TickInput<unknown>[] = [];
      for (let seat = 0; seat < seats; seat++) {
        if (rng.int(8) !== 0) continue;
        const input = someInput(r, state, seat, rng);
        if (input !== null && r.game.inputSchema.safeParse(input).success && r.game.apply(state, input, { seat, by: "human" }).ok) inputs.push({ seat, input });
      }
      step = { kind: "tick", inputs, forfeits: rng.int(400) === 0 ? [rng.int(seats)] : [] };
    } else {
      const turn = r.game.turn(state);
      const seat = turn ?? rng.int(seats);
      const roll = rng.int(100);
      const legal = roll < 80 ? legalInput(r, state, seat, rng) : null;
      if (roll >= 97) step = { kind: "forfeit", seat: rng.int(seats), reason: FORFEIT_REASONS[rng.int(3)] ?? "forfeit" };
      else step = { kind: "input", seat: legal === null && roll < 90 ? rng.int(seats) : seat, input: legal ?? noiseInput(r, rng), by: rng.int(4) === 0 ? "ai" : "human" };
      if (step.kind === "input" && step.input === null) continue;
    }
    const next = runStep(r, state, step);
    w.steps.push(step);
    w.outcomes.push(next.outcome);
    state = next.state;
    w.states.push(state);
    visit(state);
  }
  return w;
}

/** Apply one recorded step. */
export function runStep(r: Resolved, state: unknown, step: WalkStep): { state: unknown; outcome: Walk["outcomes"][number] } {
  const g = r.game;
  if (step.kind === "input") {
    const out = g.apply(state, step.input, { seat: step.seat, by: step.by });
    return { state: out.ok ? out.state : state, outcome: out };
  }
  if (step.kind === "forfeit") {
    const out = g.forfeit(state, step.seat, step.reason);
    return { state: out.state, outcome: { events: out.events } };
  }
  const rt = g.realtime;
  if (!rt) throw new Error("a tick step in a turn-based walk");
  let s = state;
  const events: GameEvent[] = [];
  for (const seat of step.forfeits) {
    const f = g.forfeit(s, seat, "forfeit");
    s = f.state;
    events.push(...f.events);
  }
  if (g.result(s) !== null) return { state: s, outcome: { events } };
  const out = rt.step(s, step.inputs);
  return { state: out.state, outcome: { events: [...events, ...out.events] } };
}
