/**
 * The conformance suite from `edgeroom/testing` on the app's game: determinism, replays re-simulated
 * to the same result, fuzzed inputs refused rather than thrown on, plain-data states and views.
 */
import { conformance } from "edgeroom/testing";
import { describe, it } from "vitest";
import { ticTacToe } from "../src/tic-tac-toe";

conformance(ticTacToe, {
  vitest: { describe, it },
  // Legal moves most of the time (any empty cell), so walks reach wins and draws; without this the
  // suite samples inputs from the game's inputSchema.
  inputs: (state, _seat, random) => {
    const empty = state.board.flatMap((cell, i) => (cell === 0 ? [i] : []));
    return empty.length === 0 ? null : { type: "mark", cell: empty[random.int(empty.length)] ?? 0 };
  },
});
