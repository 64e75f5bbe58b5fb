/** GET /health: liveness plus configuration problems an operator must fix. */
import { Hono } from "hono";
import { configProblems } from "../config";
import type { AppEnv } from "../env";

export const health = new Hono<AppEnv>().get("/health", (c) => {
  const problems = configProblems(c.env);
  return c.json(problems.length === 0 ? { status: "ok" } : { status: "misconfigured", problems }, problems.length === 0 ? 200 : 503);
});
