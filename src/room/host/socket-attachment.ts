/** Reading a hibernatable socket's attachment back as the connection's ConnInfo (null for refused sockets, which have none). */
import { acceptsAsIs } from "../../protocol/zod-fast-path";
import { ConnInfoSchema, type ConnInfo } from "../core/connections";

export function readAttachment(ws: WebSocket): ConnInfo | null {
  const raw: unknown = ws.deserializeAttachment();
  // zod only when the precompiled check cannot vouch for it (zod-fast-path.ts): on a wake this is the first parse.
  if (acceptsAsIs(ConnInfoSchema, raw)) return raw;
  const parsed = ConnInfoSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
