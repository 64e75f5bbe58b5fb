/** Property test: any input sequence keeps the Runner's invariants. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  OBSTACLE_SLOT_SPAN_CU,
  QUANT_OBSTACLE_SLOTS,
  QUANT_OBSTACLES,
  quantizedLength,
  runner,
  scriptedInput,
  type RunnerInput,
  type RunnerPlayer,
  type RunnerState,
} from "../../src/games/runner";
import type { TickInput } from "../../src/games/types";

const rt = runner.realtime!;

/** Every number in the state is an integer (no floats, NaN or -0 can sneak in). */
function allIntegers(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(allIntegers);
  if (value !== null && typeof value === "object") return Object.values(value).every(allIntegers);
  return true;
}

/**
 * The invariants between two consecutive states, as a description of the first one broken (null when all hold).
 * Plain checks rather than one `expect` each: this runs for every tick of every generated match.
 */
function violation(before: RunnerState, s: RunnerState, seats: number, frozen: Map<number, RunnerPlayer>): string | null {
  if (!allIntegers(s)) return "a number in the state is not an integer";
  if (s.tick % 97 === 0 && JSON.stringify(JSON.parse(JSON.stringify(s))) !== JSON.stringify(s)) return "the state does not survive JSON";
  if ((runner.result(s) !== null) !== (s.end !== null)) return "result is non-null iff the match is over does not hold";
  if (s.tick !== before.tick + 1 || s.tick > s.maxTicks) return `tick went from ${before.tick} to ${s.tick}`;
  if (s.obstacles.length > QUANT_OBSTACLES) return `${s.obstacles.length} obstacles in the state`;
  const q = rt.quantize(s);
  if (q.length !== quantizedLength(seats)) return "quantised length changed";
  // Every obstacle sits in its own slot ⌊x_cu / 572⌋ mod 5 (no probing needed), so none is ever re-sent because another moved.
  const slots = s.obstacles.map((o) => Math.floor(Math.trunc(o.x / 10) / OBSTACLE_SLOT_SPAN_CU) % QUANT_OBSTACLE_SLOTS);
  for (const [k, slot] of slots.entries()) {
    if (q[3 + 3 * seats + 2 * slot + 1] !== Math.trunc((s.obstacles[k]?.x ?? 0) / 10)) return `obstacle ${k} is not in its own slot ${slot}`;
  }
  const standing = s.players.filter((p) => p.outAt === null);
  if (new Set(standing.map((p) => p.x)).size > 1) return "standing runners are at different distances";
  for (let i = 0; i < s.players.length; i++) {
    const p = s.players[i]!;
    if (p.y < 0) return `seat ${i} is below the ground`;
    if (p.x < before.players[i]!.x) return `seat ${i} moved backwards`;
    const was = frozen.get(i);
    if (was !== undefined && JSON.stringify(was) !== JSON.stringify(p)) return `knocked-out seat ${i} changed`;
    if (was === undefined && p.outAt !== null) frozen.set(i, p);
  }
  return null;
}

const noiseArb = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 1199 }),
    seat: fc.integer({ min: 0, max: 3 }),
    jump: fc.option(fc.boolean(), { nil: undefined }),
    duck: fc.option(fc.boolean(), { nil: undefined }),
  }),
  { maxLength: 120 },
);

describe("Runner invariants", () => {
  it("keeps every invariant under any input sequence, forfeits included.", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 10, max: 20 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        noiseArb,
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 1199 }), seat: fc.integer({ min: 0, max: 3 }) }), { maxLength: 3 }),
        (seed, seats, durationSeconds, scripted, noise, forfeits) => {
          let s: RunnerState = runner.create(seed, { durationSeconds }, seats, 0);
          const frozen = new Map<number, RunnerPlayer>();
          let gameOvers = 0;
          const noiseAt = new Map<number, TickInput<RunnerInput>[]>();
          for (const n of noise) noiseAt.set(n.at, [...(noiseAt.get(n.at) ?? []), { seat: n.seat, input: { tick: n.at, jump: n.jump, duck: n.duck } }]);
          while (s.end === null) {
            if (s.tick >= s.maxTicks) expect.fail(`still running at tick ${s.tick}`);
            for (const f of forfeits) {
              if (f.at !== s.tick) continue;
              const out = runner.forfeit(s, f.seat, "forfeit");
              gameOvers += out.events.filter((e) => e.type === "gameOver").length;
              s = out.state;
            }
            if (s.end !== null) break;
            const inputs: TickInput<RunnerInput>[] = [];
            for (let seat = 0; seat < seats; seat++) {
              const bot = scripted[seat] ? scriptedInput(s, seat) : null;
              if (bot !== null) inputs.push({ seat, input: bot });
            }
            // Noise may name seats that do not exist: step must ignore them.
            inputs.push(...(noiseAt.get(s.tick) ?? []));
            const before = s;
            const out = rt.step(s, inputs);
            s = out.state;
            gameOvers += out.events.filter((e) => e.type === "gameOver").length;

            const broken = violation(before, s, seats, frozen);
            if (broken !== null) expect.fail(`tick ${before.tick}: ${broken}`);
          }
          expect(s.end).not.toBeNull();
          expect(gameOvers).toBe(1);
          const result = runner.result(s)!;
          expect([...result.ranking!].sort()).toEqual(Array.from({ length: seats }, (_, i) => i));
        },
      ),
      { numRuns: 100, seed: 20260707 },
    );
  });
});
