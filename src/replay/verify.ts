/**
 * Replay verification: re-simulate a finished match from its seed, settings
 * and ordered action log with the same pure game code the room ran, and
 * confirm the recorded result (and every round's seed derivation). Used by
 * `npm run verify-replay` and by tests.
 */
import type { GameRegistry } from "../games/registry";
import type { AnyGame, MatchResult } from "../games/types";
import { ReplayDocument, stateHash, verifyReveal, type ActionEntry } from "../protocol";

export { ReplayDocument } from "../protocol";

type Action = ActionEntry;

export interface RoundReport {
  round: number;
  seedOk: boolean;
  result: MatchResult | null;
  stateHash: string;
  /** The round's final state as re-simulated (to compare with what a client rebuilt). */
  state: unknown;
}

export type Verification = { ok: true; rounds: RoundReport[]; result: MatchResult | null } | { ok: false; reason: string; rounds: RoundReport[] };

/** Re-simulate a replay document with the games of `games` (the app's registry). */
export function verifyReplay(raw: unknown, games: GameRegistry): Verification {
  const parsed = ReplayDocument.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not a replay document: ${parsed.error.issues[0]?.message ?? "invalid"}`, rounds: [] };
  const doc = parsed.data;
  const game = games.find(doc.game);
  if (!game) return { ok: false, reason: `unknown game ${doc.game}`, rounds: [] };
  const rounds: RoundReport[] = [];
  const byRound = new Map<number, Action[]>();
  for (const a of doc.actions) byRound.set(a.round, [...(byRound.get(a.round) ?? []), a]);
  for (const [round, actions] of [...byRound.entries()].sort((a, b) => a[0] - b[0])) {
    const out = simulateRound(game, doc, round, actions);
    if ("reason" in out) return { ok: false, reason: `round ${round}: ${out.reason}`, rounds };
    rounds.push(out);
    if (!out.seedOk) return { ok: false, reason: `round ${round}: the seed played is not the one committed to at the start`, rounds };
  }
  const last = rounds.at(-1)?.result ?? null;
  // A room closed mid-round (abandoned, or by the operator) records a result without a winner that the game never produced.
  const cutShort = last === null && doc.result?.winner === null && doc.result.reason === "abandoned";
  if (!cutShort && JSON.stringify(last) !== JSON.stringify(doc.result ?? null)) {
    return { ok: false, reason: `recorded result ${JSON.stringify(doc.result)} but re-simulation gives ${JSON.stringify(last)}`, rounds };
  }
  return { ok: true, rounds, result: cutShort ? (doc.result ?? null) : last };
}

function simulateRound(game: AnyGame, doc: ReplayDocument, round: number, actions: Action[]): RoundReport | { reason: string } {
  const start = actions[0];
  if (!start || start.kind !== "round") return { reason: "does not begin with a round entry" };
  let state: unknown = game.create(start.seed, doc.settings.gameOptions, doc.settings.seats, start.firstSeat);
  // The course/AI seed played must be the revealed one, and the reveal must open the published commitment.
  const reveal = doc.rounds.find((r) => r.round === round);
  const seedOk = reveal !== undefined && reveal.seed === start.seed && verifyReveal(reveal.commitment, reveal.seed, reveal.salt);
  const rest = actions.slice(1);
  const rt = game.realtime;
  if (!rt) {
    for (const a of rest) {
      if (a.kind === "input") {
        const r = game.apply(state, game.inputSchema.parse(a.data), { seat: a.seat, by: a.by });
        if (!r.ok) return { reason: `logged input of seat ${a.seat} is illegal on replay: ${r.code}` };
        state = r.state;
      } else if (a.kind === "forfeit") {
        state = game.forfeit(state, a.seat, a.reason === "abandoned" ? "forfeit" : a.reason).state;
      }
    }
  } else {
    const lastTick = Math.max(0, ...rest.map((a) => (a.kind === "round" ? 0 : (a.tick ?? 0))));
    while (!game.result(state) && rt.tick(state) < rt.maxTicks) {
      const t = rt.tick(state);
      for (const a of rest) if (a.kind === "forfeit" && a.tick === t) state = game.forfeit(state, a.seat, a.reason === "abandoned" ? "forfeit" : a.reason).state;
      if (game.result(state)) break;
      const inputs = rest.filter((a): a is Extract<Action, { kind: "input" }> => a.kind === "input" && a.tick === t).map((a) => ({ seat: a.seat, input: game.inputSchema.parse(a.data) }));
      state = rt.step(state, inputs).state;
      // A round that ended early by everyone leaving has no more log entries: stop at its last tick.
      if (t > lastTick + rt.maxTicks) break;
    }
  }
  return { round, seedOk, result: game.result(state), stateHash: stateHash(state), state };
}
