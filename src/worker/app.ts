/** The Hono app: routes, body limit, CORS for allowed origins, 404/405 and the one error handler. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { ApiErrorCode } from "../protocol/codes";
import { logEvent } from "../shared/log";
import { allowedHosts, allowedOrigins } from "./config";
import type { GameRegistry } from "../games/registry";
import type { AppEnv } from "./env";
import { API_ROUTES, honoPath } from "./api-routes";
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

/** Paths and the methods they allow, for 405 answers with an Allow header: the documented routes. */
function allowedMethods(): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const r of API_ROUTES) {
    const path = honoPath(r.path);
    byPath.set(path, [...(byPath.get(path) ?? []), r.method.toUpperCase()]);
  }
  return byPath;
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
  for (const [path, methods] of allowedMethods()) {
    app.all(path, (c) => {
      if (c.req.method === "OPTIONS") return c.body(null, 204);
      throw new ApiError(405, ApiErrorCode.METHOD_NOT_ALLOWED, `Use ${methods.join(" or ")} for ${path}.`, { Allow: methods.join(", ") });
    });
  }
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
