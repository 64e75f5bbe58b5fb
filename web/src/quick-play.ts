/**
 * Quick play from the lobby: POST /api/queue for a game, then wait on the queue's WebSocket
 * (`queued`, then `matched`) and open the match page. Cancel (or leaving the page) closes the socket
 * and leaves the queue (DELETE /api/queue/:ticketId). See docs/protocol.md §3.13–§3.15.
 *
 * Element ids (stable): `quick-play-<game>` (the button, which turns into Cancel while waiting) and
 * `quick-play-status-<game>`.
 */
import { matchmakingAnswers } from "../../src/protocol/matchmaking-api";
import type { GameInfo } from "./api";
import { h, setText } from "./dom";
import { fetchJson, words } from "./json-fetch";
import { playPath } from "./match-links";

/** Add the Quick play button of `game` to `section`; `token` signs in from the lobby's name field (null: not signed in). */
export function mountQuickPlay(section: HTMLElement, game: GameInfo, token: () => Promise<string | null>): void {
  const button = h("button", { type: "button", id: `quick-play-${game.id}`, class: "quick-play primary" }, "Quick play");
  const status = h("p", { id: `quick-play-status-${game.id}`, class: "status", role: "status" });
  section.append(h("div", { class: "actions" }, button), status);
  let waiting: { ticketId: string; ws: WebSocket; token: string } | null = null;

  const stop = (text: string) => {
    const w = waiting;
    waiting = null;
    setText(button, "Quick play");
    setText(status, text);
    if (!w) return;
    w.ws.close(1000, "cancelled");
    void fetch(`/api/queue/${encodeURIComponent(w.ticketId)}`, { method: "DELETE", headers: { Authorization: `Bearer ${w.token}` } }).catch(() => undefined);
  };

  const start = async () => {
    button.disabled = true;
    setText(status, "Joining the queue…");
    try {
      const t = await token();
      if (t === null) {
        setText(status, "");
        return;
      }
      const entry = await fetchJson(matchmakingAnswers().QueueResponse, "/api/queue", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${t}` },
        body: JSON.stringify({ game: game.id }),
      });
      const ws = new WebSocket(entry.url);
      waiting = { ticketId: entry.ticketId, ws, token: t };
      setText(button, "Cancel");
      ws.addEventListener("message", (ev) => {
        let raw: unknown = null;
        try {
          raw = typeof ev.data === "string" ? JSON.parse(ev.data) : null;
        } catch {
          return;
        }
        const msg = matchmakingAnswers().QueueMessage.safeParse(raw);
        if (!msg.success) return;
        if (msg.data.type === "queued") setText(status, `Waiting for players… (${msg.data.waiting} in the queue)`);
        else {
          waiting = null;
          setText(status, msg.data.mode === "ai" ? "Nobody else came: playing the computer…" : "Matched! Opening the match…");
          location.assign(playPath(game.id, msg.data.matchId));
        }
      });
      ws.addEventListener("close", (ev) => {
        if (waiting?.ws === ws) stop(`Left the queue${ev.reason ? `: ${ev.reason}` : ""}.`);
      });
    } catch (err) {
      setText(status, `Could not join the queue: ${words(err)}`);
    } finally {
      button.disabled = false;
    }
  };

  button.addEventListener("click", () => {
    if (waiting) stop("Left the queue.");
    else void start();
  });
  addEventListener("pagehide", () => {
    if (waiting) stop("");
  });
}
