/**
 * The always-visible connection indicator of a game page. The headline is an
 * aria-live status (announced when the situation changes); the countdown to
 * the next retry is plain text, refreshed every second.
 */
import type { GameClient } from "../../src/client/internal";
import { describeConnection, operatorNotice } from "./connection-text";
import { h, setText } from "./dom";
import { watchIfFull } from "./watch-fallback";

export interface Indicator {
  /** Re-read the client (call after sending an input). */
  refresh(): void;
}

export function mountConnectionIndicator(host: HTMLElement, client: GameClient<unknown>, noun: string): Indicator {
  const symbol = h("span", { class: "conn-symbol", "aria-hidden": "true" });
  const headline = h("span", { class: "conn-headline", role: "status", "aria-live": "polite" });
  const detail = h("span", { class: "conn-detail" });
  const queued = h("p", { class: "conn-queued", role: "status", "aria-live": "polite" });
  // The operator's words when an operator action ended the connection (a stable id for pages and tests).
  const notice = h("p", { id: "room-notice", class: "room-notice", role: "alert" });
  notice.hidden = true;
  host.classList.add("connection");
  host.replaceChildren(h("div", { class: "conn-line" }, symbol, headline, detail), queued, notice);

  const refresh = () => {
    const text = describeConnection({
      state: client.state,
      online: navigator.onLine,
      now: Date.now(),
      pending: client.pendingInputs,
      noun,
      transport: client.transport,
    });
    host.dataset["status"] = text.status;
    setText(symbol, text.symbol);
    setText(headline, text.headline);
    setText(detail, text.detail);
    setText(queued, text.queued);
    queued.hidden = text.queued === "";
    const said = operatorNotice(client.state);
    setText(notice, said ?? "");
    notice.hidden = said === null;
  };
  client.on("state", refresh);
  // Every game page mounts this indicator: the one place that sees a full room refuse a visitor.
  client.on("state", () => watchIfFull(client.state));
  client.on("ack", refresh);
  client.on("gameError", refresh);
  client.on("welcome", refresh);
  addEventListener("online", refresh);
  addEventListener("offline", refresh);
  setInterval(refresh, 1000);
  refresh();
  return { refresh };
}
