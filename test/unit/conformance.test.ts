import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { games } from "../../src/app/games";
import { runner } from "../../src/games/runner";
import { defineGame, type AnyGame } from "../../src/games/types";
import { conformance, runConformance } from "../../src/testing";
import { nim } from "../../src/testing/examples/nim";

// Every game the app hosts, and the guide's example (docs/games.md), pass the whole suite. Turn-based
// games run as they are (the suite plays them through their moves), so a game added to the app's list
// is covered without a line here; real-time games bring their own inputs below.
const appGames: readonly AnyGame[] = games;
for (const game of appGames) if (game.kind === "turn-based") conformance(game, { vitest: { describe, it } });
conformance(runner, {
  vitest: { describe, it },
  // Short races keep the suite quick; real-time games bring their own inputs (there are no turns for an AI).
  gameOptions: { durationSeconds: 10 },
  inputs: (state, _seat, random) => ({ tick: state.tick, jump: random.int(2) === 0, duck: random.int(4) === 0 }),
});
conformance(nim, { vitest: { describe, it } });

/** Which checks fail, by the start of their names. */
function failing(results: ReturnType<typeof runConformance>): string[] {
  return results.filter((r) => !r.ok).map((r) => r.name.split(":")[0]?.split(" ").slice(0, 3).join(" ") ?? r.name);
}

describe("the conformance suite on broken games", () => {
  it("fails only the determinism check for a game whose events carry Math.random()", () => {
    const noisy = defineGame({ ...nim, apply: (s, i, c) => {
      const out = nim.apply(s, i, c);
      return out.ok ? { ...out, events: [...out.events, { type: "took" as const, seat: c.seat, heap: 0, count: Math.random() }] } : out;
    } });
    expect(failing(runConformance(noisy, { seeds: 4 }))).toEqual(["is deterministic"]);
  });

  it("fails the plain-data check for a view holding undefined, and for a view that mutates the state", () => {
    const undef = defineGame({ ...nim, view: (s) => ({ ...s, heaps: s.heaps.slice(), note: undefined }) });
    const results = runConformance(undef, { seeds: 2 });
    expect(results.find((r) => !r.ok)?.message).toMatch(/\.note is undefined/);
    const mutating = defineGame({ ...nim, view: (s) => {
      if (Array.isArray(s.heaps)) s.heaps.sort((a: number, b: number) => a - b);
      return nim.view(s, null);
    } });
    expect(runConformance(mutating, { seeds: 4 }).find((r) => r.name.startsWith("keeps states"))?.message).toMatch(/mutated the state/);
  });

  it("fails the robustness check for a game that throws on a forfeit or refuses without a code", () => {
    const throwing = defineGame({ ...nim, forfeit: (s, seat, reason) => {
      if (reason === "resign") throw new Error("resign is not implemented");
      return nim.forfeit(s, seat, reason);
    } });
    expect(runConformance(throwing, { seeds: 2 }).find((r) => r.name.startsWith("never throws"))?.message).toMatch(/forfeit\(seat 0, resign\) threw: resign is not implemented/);
    const codeless = defineGame({ ...nim, apply: (s, i, c) => {
      const out = nim.apply(s, i, c);
      return out.ok ? out : { ok: false, code: "", message: out.message };
    } });
    expect(runConformance(codeless, { seeds: 2 }).find((r) => r.name.startsWith("never throws"))?.message).toMatch(/without a \{ok: false, code, message\} answer/);
  });

  it("fails the leak check for a game whose secret is in every seat's view, naming the seat, the frame and the path", () => {
    // Seat 0's secret is the heaps, which the view shows to everyone.
    const leaky = defineGame({ ...nim, secrets: (s) => (s.endReason === null ? [{ seat: 0, value: { heaps: s.heaps.slice() } }] : []) });
    const results = runConformance(leaky, { seeds: 3 });
    expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual(["never lets a seat's secret reach another seat or a spectator in any frame while a round is played"]);
    expect(results.find((r) => !r.ok)?.message).toMatch(/seat 0's secret \{"heaps":\[.*\]\} reached (seat 1|a spectator) in a (welcome|update) frame/);
  });
});

/** Source without comment lines and blank-line runs: what docs/games.md shows. */
function withoutComments(source: string): string {
  let inBlock = false;
  const kept = source.split("\n").filter((line) => {
    const t = line.trim();
    if (inBlock) {
      if (t.includes("*/")) inBlock = false;
      return false;
    }
    if (t.startsWith("/*")) {
      inBlock = !t.includes("*/");
      return false;
    }
    return !t.startsWith("//");
  });
  return kept.join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

describe("the game author's guide", () => {
  it("shows the Nim example exactly as src/testing/examples/nim.ts has it, comments aside, so the guide's example is the one the suite runs", () => {
    const guide = readFileSync(new URL("../../docs/games.md", import.meta.url), "utf8");
    const listing = /```ts\n(import \* as z from "zod";[\s\S]*?)\n```/.exec(guide)?.[1];
    const file = readFileSync(new URL("../../src/testing/examples/nim.ts", import.meta.url), "utf8");
    expect(listing).toBe(withoutComments(file));
  });
});
