/**
 * Run by test/unit/connect-four-ai-optimised.test.ts in a child `node --allow-natives-syntax`:
 * forces V8 to optimise chooseColumn (with the search inlined), plays seeded
 * hard-against-medium games, and prints one JSON line saying whether
 * chooseColumn is still optimised. It was not while the root move lists came
 * from Array.prototype.map: the optimised map returns a holey array, the
 * inlined search was compiled for packed ones, so V8 deoptimised chooseColumn
 * and later spent 30-40 ms of a compiler thread recompiling it (issue 12).
 */
import { chooseColumn } from "../../src/games/connect-four";
import { playSeededGame } from "../../bench/capacity/c4-ai";

// V8 intrinsics, reachable only under --allow-natives-syntax (and only through Function: esbuild cannot parse them).
const prepare = new Function("f", "%PrepareFunctionForOptimization(f)") as (f: unknown) => void;
const optimiseNext = new Function("f", "%OptimizeFunctionOnNextCall(f)") as (f: unknown) => void;
const status = new Function("f", "return %GetOptimizationStatus(f)") as (f: unknown) => number;
/** V8's OptimizationStatus::kOptimized bit. */
const OPTIMIZED = 1 << 4;

playSeededGame(-1, ["hard", "medium"]);
prepare(chooseColumn);
playSeededGame(-2, ["hard", "medium"]);
optimiseNext(chooseColumn);
let calls = 0;
let optimisedAfterEveryCall = true;
for (const g of [0, 1, 2]) {
  playSeededGame(g, ["hard", "medium"], (state, seat, level, seed) => {
    const { column } = chooseColumn(state, seat, level, seed);
    calls++;
    if ((status(chooseColumn) & OPTIMIZED) === 0) optimisedAfterEveryCall = false;
    return column;
  });
}
console.log(JSON.stringify({ calls, optimisedAfterEveryCall, status: status(chooseColumn) }));
