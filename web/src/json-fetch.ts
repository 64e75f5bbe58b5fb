/**
 * Same-origin JSON requests for the lobby's directory and the operator console: the answer is checked
 * against the protocol's schema (decoding returns a result; a bad answer is an error in words, never a
 * cast), and an error answer's documented `{error: {code, message}}` becomes the thrown message.
 */
import type * as z from "zod";
import { httpAnswers } from "../../src/protocol/http-answers";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function fetchJson<S extends z.ZodType>(schema: S, path: string, init: RequestInit = {}): Promise<z.infer<S>> {
  const res = await fetch(path, init);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = httpAnswers().ApiErrorBody.safeParse(body);
    throw new HttpError(res.status, err.success ? `${err.data.error.message} (${res.status})` : `The server answered ${res.status}.`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(res.status, "The server's answer was not understood.");
  return parsed.data;
}

export function words(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
