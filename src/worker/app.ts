/** The Hono app: routes, body limit, CORS for allowed origins, 404/405 and the one error handler. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { ApiErrorCode } from "../protocol/codes";
import { logEvent } from "../shared/log";
import { allowedHosts, allowedOrigins } from "./config";
import type { GameRegistry } from "../games/registry";
import type { AppEnv } from "./env";
import { API_OPERATIONS, honoPath } from "./api-routes";
import { ApiError, errorBody } from "./errors";
import { docs } from "./routes/docs";
import { gamesRoute } from "./routes/games";
import { guest } from "./routes/guest";
import { health } from "./routes/health";
import { matches } from "./routes/matches";
import { operator } from "./routes/operator";
import { adminActions } from "./routes/admin-actions";
import { socket } from "./routes/socket";
import { codesRoute } from "./routes/codes";
import { queue } from "./routes/queue";
import { ratings } from "./routes/ratings";
import { rooms } from "./routes/rooms";

/**
 * The documented paths, as patterns, with the methods each allows: for 405 answers with an Allow
 * header. One fallback route answers them (after every real route), not a catch-all per path: a
 * per-path `app.all` made two of them overlap (`/api/queue/ws` and `/api/queue/:ticketId`), which
 * Hono's RegExpRouter cannot compile, and the app fell back to its slower trie router on every
 * request (bench/results/matchmaking-profile-2026-12-06.md).
 */
function allowedMethods(): { path: string; pattern: RegExp; methods: string[] }[] {
  const byPath = new Map<string, string[]>();
  for (const [method, openApiPath] of API_OPERATIONS) {
    const path = honoPath(openApiPath);
    byPath.set(path, [...(byPath.get(path) ?? []), method.toUpperCase()]);
  }
  return [...byPath].map(([path, methods]) => ({ path, methods, pattern: new RegExp(`^${path.replace(/[.]/g, "\\.").replace(/:\w+/g, "[^/]+")}$`) }));
}

export function createApp(games: GameRegistry): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", (c, next) => {
    c.set("games", games);
    return next();
  });
  // Optional Host allowlist (self-hosted and local servers reachable under names they should not answer to,
  // e.g. DNS rebinding against a server on localhost). Checked before anything else.
  app.use("*", (c, next) => {
    const hosts = allowedHosts(c.env);
    const url = new URL(c.req.url);
    if (hosts.size > 0 && !hosts.has(url.hostname.toLowerCase()) && !hosts.has(url.host.toLowerCase())) {
      throw new ApiError(421, ApiErrorCode.HOST_NOT_ALLOWED, "This server does not answer for that host name.");
    }
    return next();
  });
  app.use("/api/*", (c, next) => cors({ origin: (origin) => (allowedOrigins(c.env).has(origin) ? origin : null), maxAge: 600 })(c, next));
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: 8 * 1024,
      onError: () => {
        throw new ApiError(413, ApiErrorCode.PAYLOAD_TOO_LARGE, "Request body exceeds 8 KiB.");
      },
    }),
  );
  app.route("/", health);
  app.route("/", guest);
  app.route("/", gamesRoute);
  app.route("/", matches);
  app.route("/", operator);
  app.route("/", adminActions);
  app.route("/", socket);
  app.route("/", queue);
  app.route("/", ratings);
  app.route("/", codesRoute);
  app.route("/", rooms);
  app.route("/", docs);
  const documented = allowedMethods();
  // Reached only when no route above answered: a documented path with another method, or nothing.
  app.all("*", (c) => {
    const known = documented.find((d) => d.pattern.test(c.req.path));
    if (!known) return c.json(errorBody(ApiErrorCode.NOT_FOUND, "Not found."), 404);
    if (c.req.method === "OPTIONS") return c.body(null, 204);
    throw new ApiError(405, ApiErrorCode.METHOD_NOT_ALLOWED, `Use ${known.methods.join(" or ")} for ${known.path}.`, { Allow: known.methods.join(", ") });
  });
  app.notFound((c) => c.json(errorBody(ApiErrorCode.NOT_FOUND, "Not found."), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(err.code, err.message), err.status);
    }
    logEvent("error", "unhandled_error", { path: c.req.path, message: err instanceof Error ? err.message : String(err) });
    return c.json(errorBody(ApiErrorCode.INTERNAL, "Internal error."), 500);
  });
  return app;
}
