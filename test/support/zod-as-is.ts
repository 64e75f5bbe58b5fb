/** What zod says about a value: accepted and returned unchanged (deep-equal), the zod fast path's one claim (src/protocol/zod-fast-path.ts). */
import { expect } from "vitest";
import type * as z from "zod";

export function zodAsIs(schema: z.ZodType, value: unknown): boolean {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return false;
  try {
    expect(parsed.data).toStrictEqual(value);
    return true;
  } catch {
    return false;
  }
}
