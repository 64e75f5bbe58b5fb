/**
 * Every operation of the HTTP API, as method and path (OpenAPI's path syntax): the one list of what
 * the worker serves. The 405 table (app.ts) reads it when the app is built; the documentation of each
 * operation (api-docs.ts: summary, request and answer schemas) must name exactly these (its type says
 * so), and is built only with the OpenAPI document, on the first GET /api/openapi.json (openapi.ts):
 * the answer schemas and the generator are not part of the worker's live heap before that (issue 12,
 * the fixed heap a full mark-compact marks). A test compares the document with the routes the Hono
 * app actually has.
 */
import type { RouteConfig } from "@asteasolutions/zod-to-openapi";

export const API_OPERATIONS = [
  ["get", "/health"],
  ["post", "/api/guest"],
  ["get", "/api/games"],
  ["post", "/api/matches"],
  ["get", "/api/matches/{id}"],
  ["post", "/api/matches/{id}/ticket"],
  ["get", "/api/matches/{id}/ws"],
  ["get", "/api/matches/{id}/sse"],
  ["post", "/api/matches/{id}/send"],
  ["get", "/api/matches/{id}/replay"],
  ["get", "/api/matches/{id}/metrics"],
  ["post", "/api/admin/rooms/{id}/close"],
  ["post", "/api/admin/rooms/{id}/players/{playerId}/remove"],
  ["post", "/api/queue"],
  ["get", "/api/queue/ws"],
  ["delete", "/api/queue/{ticketId}"],
  ["get", "/api/ratings/{playerId}"],
  ["get", "/api/codes/{code}"],
  ["get", "/api/rooms"],
  ["get", "/api/admin/rooms"],
  ["post", "/api/players/{playerId}/revoke"],
  ["get", "/api/openapi.json"],
  ["get", "/api/docs"],
] as const satisfies readonly (readonly [RouteConfig["method"], string])[];

/** `"<method> <path>"` of one operation, e.g. `"get /api/matches/{id}"`: how api-docs.ts names it. */
export type ApiOperation = OperationName<(typeof API_OPERATIONS)[number]>;
type OperationName<E> = E extends readonly [infer M extends string, infer P extends string] ? `${M} ${P}` : never;

/** The name of an entry of API_OPERATIONS (TypeScript does not narrow a template of a tuple union itself). */
export const operationName = <E extends (typeof API_OPERATIONS)[number]>(op: E): OperationName<E> => `${op[0]} ${op[1]}` as OperationName<E>;

/** "/api/matches/{id}" → "/api/matches/:id" (Hono's path syntax). */
export const honoPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ":$1");
