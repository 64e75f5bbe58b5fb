/** JSON request bodies validated with zod; malformed JSON and schema violations become 400s. */
import type { Context } from "hono";
import type * as z from "zod";
import type { AppEnv } from "./env";
import { badRequest } from "./errors";

export async function jsonBody<T>(c: Context<AppEnv>, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim().length > 0) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw badRequest("Request body is not valid JSON.");
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw badRequest(`Invalid request body: ${where}${issue?.message ?? "invalid"}.`);
  }
  return parsed.data;
}
