/**
 * GET /api/openapi.json (the generated document) and GET /api/docs (an
 * interactive Scalar reference page). The page's script is served from the
 * worker's own static assets (copied from @scalar/api-reference by
 * scripts/build-web.mjs), never from a CDN, so the reference works offline and
 * adds nothing to the worker bundle.
 */
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { openApiDocument } from "../openapi";

export const SCALAR_SCRIPT_PATH = "/vendor/scalar-api-reference.js";

export const docs: Hono<AppEnv> = new Hono<AppEnv>()
  .get("/api/openapi.json", (c) => c.json(openApiDocument()))
  .get("/api/docs", Scalar({ url: "/api/openapi.json", cdn: SCALAR_SCRIPT_PATH, pageTitle: "Edgeroom HTTP API", withDefaultFonts: false }));
