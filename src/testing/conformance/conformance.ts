/**
 * The conformance suite every game should pass before it is hosted: the
 * checks (as plain functions that throw), a function that reports them, and a
 * one-liner that registers them with vitest (or any describe/it harness).
 */
import type { GameDefinition, GameEvent } from "../../games/types";
import { checkDeterminism } from "./check-determinism";
import { checkFuzz } from "./check-fuzz";
import { checkLeaks } from "./check-leaks";
import { checkPlainData } from "./check-plain-data";
import { checkReplay } from "./check-replay";
import { resolveOptions, type ConformanceOptions } from "./options";

export interface ConformanceCheck {
  /** A full sentence, used as the test name. */
  readonly name: string;
  /** Throws an Error saying what broke (seed, seat count, step) when the game fails the check. */
  run(): void;
}

export interface ConformanceResult {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string | null;
}

/** The `describe` and `it` of vitest (or of any test harness with the same shape). */
export interface TestRegistrar {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void, timeoutMs?: number): void;
}

export function conformanceChecks<S, I, O, V, E extends GameEvent>(game: GameDefinition<S, I, O, V, E>, options: ConformanceOptions<S, I> = {}): ConformanceCheck[] {
  const r = resolveOptions(game, options);
  const checks: ConformanceCheck[] = [
    { name: "is deterministic: the same seed and inputs give deep-equal states, events and state hashes", run: () => checkDeterminism(r) },
    { name: "re-simulates matches played through the room with verifyReplay to the same result and final state hash", run: () => checkReplay(r) },
    { name: "never throws on fuzzed inputs, refuses with a code and a message, and the room answers fuzzed frames with error frames", run: () => checkFuzz(r) },
    { name: "keeps states, views, events and results plain data that survive msgpack and JSON exactly, and never mutates a state it is given", run: () => checkPlainData(r) },
  ];
  if (game.secrets) {
    checks.push({ name: "never lets a seat's secret reach another seat or a spectator in any frame while a round is played", run: () => void checkLeaks(r) });
  }
  return checks;
}

/** Run every check and report each one (nothing throws). */
export function runConformance<S, I, O, V, E extends GameEvent>(game: GameDefinition<S, I, O, V, E>, options: ConformanceOptions<S, I> = {}): ConformanceResult[] {
  return conformanceChecks(game, options).map((c) => {
    try {
      c.run();
      return { name: c.name, ok: true, message: null };
    } catch (err) {
      return { name: c.name, ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  });
}

/**
 * Register the suite as one `describe` block with one test per check:
 * `conformance(myGame, { vitest: { describe, it } })`.
 */
export function conformance<S, I, O, V, E extends GameEvent>(
  game: GameDefinition<S, I, O, V, E>,
  options: ConformanceOptions<S, I> & { readonly vitest: TestRegistrar; readonly timeoutMs?: number },
): void {
  const { vitest, timeoutMs, ...rest } = options;
  vitest.describe(`${game.title} (${game.id}) conformance`, () => {
    for (const check of conformanceChecks(game, rest)) vitest.it(check.name, () => check.run(), timeoutMs ?? 30_000);
  });
}
