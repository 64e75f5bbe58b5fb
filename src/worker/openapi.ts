/**
 * The OpenAPI 3.1 document of the HTTP API, generated (once per isolate, on the first request for it)
 * from apiRoutes(), i.e. from the same zod schemas the handlers validate with.
 */
// The generator itself, not @hono/zod-openapi's wrapper: the wrapper imports zod's whole `z` namespace
// (every locale, fromJSONSchema) to extend it, which nearly doubled the worker bundle; this one reads
// plain zod schemas and their `.meta()`.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { PROTOCOL_VERSION } from "../protocol/codes";
import { apiRoutes } from "./api-docs";

type Document = ReturnType<OpenApiGeneratorV31["generateDocument"]>;
let cached: Document | undefined;

export function openApiDocument(): Document {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A player token (from POST /api/guest or minted with AUTH_SECRET), or OPERATOR_TOKEN for the operator endpoints (metrics, admin rooms, revocation).",
  });
  registry.registerComponent("securitySchemes", "sendToken", {
    type: "apiKey",
    in: "header",
    name: "Edgeroom-Send-Token",
    description: "The per-connection send token from the HTTP fallback stream's `open` event (never in a URL).",
  });
  for (const route of apiRoutes()) registry.registerPath(route);
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Edgeroom HTTP API",
      version: `protocol ${PROTOCOL_VERSION}`,
      description: "Authoritative multiplayer game rooms. Real-time frames (WebSocket or the SSE fallback) are described in docs/protocol.md.",
    },
  });
  return cached;
}
