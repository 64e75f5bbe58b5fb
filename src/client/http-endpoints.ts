/** Where the HTTP fallback's event stream and POSTs go, derived from the ticket's WebSocket URL. */
export interface HttpEndpoints {
  /** GET: the event stream (same query as the WebSocket URL: ticket, v, session, lastSeq). */
  readonly stream: string;
  /** POST: where the frames of connection `conn` go. */
  send(conn: string): string;
}

/** `ws(s)://host/api/matches/:id/ws?…` → `http(s)://host/api/matches/:id/sse?…` and `…/send?conn=…`. */
export function httpEndpoints(socketUrl: string): HttpEndpoints {
  const stream = new URL(socketUrl);
  if (stream.protocol === "ws:") stream.protocol = "http:";
  else if (stream.protocol === "wss:") stream.protocol = "https:";
  if (stream.protocol !== "http:" && stream.protocol !== "https:") throw new Error(`HTTP fallback: unsupported URL scheme ${stream.protocol}`);
  const match = /^(.*)\/(ws|sse)$/.exec(stream.pathname);
  if (!match) throw new Error(`HTTP fallback: ${stream.pathname} is not a /ws or /sse endpoint`);
  const prefix = match[1] ?? "";
  stream.pathname = `${prefix}/sse`;
  const send = new URL(stream.toString());
  send.pathname = `${prefix}/send`;
  send.search = "";
  const sendBase = send.toString();
  return {
    stream: stream.toString(),
    send: (conn) => {
      const u = new URL(sendBase);
      u.searchParams.set("conn", conn);
      return u.toString();
    },
  };
}
