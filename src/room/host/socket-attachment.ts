/** Reading a hibernatable socket's attachment back as the connection's ConnInfo (null for refused sockets, which have none). */
import { ConnInfoSchema } from "../core/connections";

export function readAttachment(ws: WebSocket): ReturnType<typeof ConnInfoSchema.parse> | null {
  const parsed = ConnInfoSchema.safeParse(ws.deserializeAttachment());
  return parsed.success ? parsed.data : null;
}
