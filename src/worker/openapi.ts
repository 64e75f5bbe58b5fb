/**
 * The OpenAPI 3.1 document of the HTTP API, generated (once per isolate) from
 * API_ROUTES, i.e. from the same zod schemas the handlers validate with.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { PROTOCOL_VERSION } from "../protocol/codes";
import { API_ROUTES } from "./api-routes";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
let cached: Document | undefined;

export function openApiDocument(): Document {
  if (cached) return cached;
  // OpenAPIHono is used only for its registry and generator here; the app routes with plain Hono.
  const doc = new OpenAPIHono();
  doc.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A player token (from POST /api/guest or minted with AUTH_SECRET), or OPERATOR_TOKEN for the metrics endpoint.",
  });
  for (const route of API_ROUTES) doc.openAPIRegistry.registerPath(route);
  cached = doc.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Edgeroom HTTP API",
      version: `protocol ${PROTOCOL_VERSION}`,
      description: "Authoritative multiplayer game rooms. Real-time frames (WebSocket or the SSE fallback) are described in docs/protocol.md.",
    },
  });
  return cached;
}
