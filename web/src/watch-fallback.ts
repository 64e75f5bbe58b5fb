/**
 * A visitor who opens a player link of a match whose seats are all taken (the room refuses the socket
 * with 4003 ROOM_FULL) watches instead: the page reloads itself with `&watch=1`, joining as a
 * spectator (read-only; the room sends spectators only what spectators may see).
 */
import { CloseCode } from "../../src/protocol/codes";
import type { ConnectionState } from "../../src/client/internal";

export function watchIfFull(state: ConnectionState): void {
  if (state.status !== "closed" || state.reason.kind !== "server" || state.reason.code !== CloseCode.ROOM_FULL) return;
  const url = new URL(location.href);
  if (url.searchParams.get("watch") === "1") return;
  url.searchParams.set("watch", "1");
  location.replace(url.toString());
}
