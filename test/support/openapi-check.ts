/**
 * Checking recorded HTTP traffic against the OpenAPI document the worker
 * serves: the operation must exist (path template and method), the status
 * must be one it lists, and a JSON body must validate against the document's
 * JSON Schema for that status (turned back into a validator by zod's
 * fromJSONSchema, so the check reads the document, not the source schemas).
 */
import * as z from "zod";
import type { Fetch } from "./api";

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly requestBody: string | null;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A fetch that records every exchange (the body is read from a clone; the caller gets the response as is). */
export function recordingFetch(inner: Fetch, log: Exchange[]): Fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const url = new URL(input);
    const requestBody = typeof init?.body === "string" ? init.body : null;
    log.push({ method: (init?.method ?? "GET").toUpperCase(), path: url.pathname, requestBody, status: res.status, contentType: res.headers.get("Content-Type") ?? "", body: await res.clone().text() });
    return res;
  };
}

type Json = Record<string, unknown>;
interface Operation {
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

/** Replace every `#/components/schemas/X` reference by the component (the API's schemas are not recursive). */
function deref(node: unknown, doc: OpenApiDoc): unknown {
  if (Array.isArray(node)) return node.map((n) => deref(n, doc));
  if (node === null || typeof node !== "object") return node;
  const ref = (node as Json)["$ref"];
  if (typeof ref === "string") {
    const name = ref.replace("#/components/schemas/", "");
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolved $ref ${ref}`);
    return deref(target, doc);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deref(v, doc)]));
}

export function findOperation(doc: OpenApiDoc, method: string, path: string): { template: string; op: Operation } | null {
  for (const [template, ops] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`);
    const op = ops[method.toLowerCase()];
    if (op && pattern.test(path)) return { template, op };
  }
  return null;
}

function validate(schema: Json, doc: OpenApiDoc, value: unknown): string | null {
  const result = z.fromJSONSchema(deref(schema, doc) as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value);
  return result.success ? null : result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

/** Problems with one exchange; empty when it matches the document. */
export function checkExchange(doc: OpenApiDoc, ex: Exchange): string[] {
  const where = `${ex.method} ${ex.path} → ${ex.status}`;
  const found = findOperation(doc, ex.method, ex.path);
  if (!found) return [`${where}: no such operation in the document`];
  const response = found.op.responses[String(ex.status)];
  if (!response) return [`${where}: status not listed for ${ex.method} ${found.template} (lists ${Object.keys(found.op.responses).join(", ")})`];
  const problems: string[] = [];
  const jsonSchema = response.content?.["application/json"]?.schema;
  if (jsonSchema) {
    if (!ex.contentType.startsWith("application/json")) problems.push(`${where}: Content-Type ${ex.contentType}, documented application/json`);
    const issue = validate(jsonSchema, doc, JSON.parse(ex.body));
    if (issue) problems.push(`${where}: response body does not match the document: ${issue}`);
  }
  // A request that succeeded must have sent a body the document accepts.
  const requestSchema = found.op.requestBody?.content["application/json"]?.schema;
  if (requestSchema && ex.status < 300 && ex.requestBody !== null) {
    const issue = validate(requestSchema, doc, JSON.parse(ex.requestBody));
    if (issue) problems.push(`${where}: accepted request body does not match the document: ${issue}`);
  }
  return problems;
}
