/** The runner's room view (update frames) in the shape of a decoded snapshot, for drawing before any `snap` arrives. */
import type { RunnerView } from "../../../../src/games/runner";
import type { RunnerFrame } from "../../../../src/games/runner/quantize";

export function frameOfView(v: RunnerView | null): RunnerFrame | null {
  if (v === null) return null;
  return {
    tick: v.tick,
    speed: v.speed,
    phase: v.phase,
    players: v.players.map((p) => ({ x: p.x, y: p.y, standing: p.standing, ducking: p.ducking, grounded: p.grounded, duckHeld: p.ducking })),
    obstacles: v.obstacles.slice(0, 4).map((o) => ({ kind: o.kind, x: o.x })),
  };
}

/** The round's length in ticks, from the room view. */
export function maxTicksOfView(view: RunnerView | null): number | null {
  return view?.maxTicks ?? null;
}
