/** The runner's room view (update frames) in the shape of a decoded snapshot, for drawing before any `snap` arrives. */
import type { RunnerFrame } from "../../../../src/games/runner/quantize";

export function frameOfView(view: unknown): RunnerFrame | null {
  if (typeof view !== "object" || view === null) return null;
  const v = view as Partial<{
    tick: number;
    speed: number;
    phase: RunnerFrame["phase"];
    players: { x: number; y: number; standing: boolean; ducking: boolean; grounded: boolean }[];
    obstacles: { kind: "low" | "high"; x: number }[];
  }>;
  if (typeof v.tick !== "number" || typeof v.speed !== "number" || !v.phase || !Array.isArray(v.players) || !Array.isArray(v.obstacles)) return null;
  return {
    tick: v.tick,
    speed: v.speed,
    phase: v.phase,
    players: v.players.map((p) => ({ x: p.x, y: p.y, standing: p.standing, ducking: p.ducking, grounded: p.grounded, duckHeld: p.ducking })),
    obstacles: v.obstacles.slice(0, 4).map((o) => ({ kind: o.kind, x: o.x })),
  };
}

/** The round's length in ticks, from the room view. */
export function maxTicksOfView(view: unknown): number | null {
  if (typeof view !== "object" || view === null || !("maxTicks" in view)) return null;
  return typeof view.maxTicks === "number" ? view.maxTicks : null;
}
