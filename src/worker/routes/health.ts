/** GET /health: liveness, configuration problems an operator must fix (503), and settings still to set (notes). */
import { Hono } from "hono";
import { configNotes, configProblems } from "../config";
import type { AppEnv } from "../env";

export const health = new Hono<AppEnv>().get("/health", (c) => {
  const problems = configProblems(c.env);
  const notes = configNotes(c.env);
  return c.json(problems.length === 0 ? { status: "ok", notes } : { status: "misconfigured", problems, notes }, problems.length === 0 ? 200 : 503);
});
