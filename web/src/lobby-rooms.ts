/**
 * The lobby's live room directory: per game, the public rooms with open seats (GET /api/rooms?game=),
 * each with Join and Watch, plus the game's Quick play button (quick-play.ts).
 *
 * Polled, every POLL_MS while the page is visible, not streamed: the list is small and a few seconds
 * stale is fine; each poll is one cacheable GET per game (the worker answers `max-age=2`), while a
 * stream would hold a connection per visitor open against the one index object. A hidden tab stops
 * polling and refreshes as soon as it is shown again.
 *
 * Element ids (stable; the browser tests use them): `rooms-<game>` (the list), `room-<matchId>` (a
 * row, with `data-match-id` and `data-game`), `join-<matchId>` and `watch-<matchId>` (its buttons).
 */
import { directoryAnswers, type PublicRoom } from "../../src/protocol/directory-api";
import type { GameInfo } from "./api";
import { h, setText } from "./dom";
import { fetchJson, words } from "./json-fetch";
import { playPath } from "./match-links";

export const POLL_MS = 4_000;
const PER_GAME = 20;

function describe(room: PublicRoom): string {
  const names = room.players.map((p) => `${p.name || `Seat ${p.seat + 1}`}${p.connected ? "" : " (away)"}`);
  const who = names.length > 0 ? names.join(", ") : "nobody yet";
  const watching = room.spectators > 0 ? ` · ${room.spectators} watching` : "";
  return `${who} · ${room.seats.open} of ${room.seats.total} seats open${watching}`;
}

function row(room: PublicRoom): HTMLElement {
  const join = h("button", { type: "button", id: `join-${room.matchId}`, class: "join-room primary" }, "Take a seat");
  const watch = h("button", { type: "button", id: `watch-${room.matchId}`, class: "watch-room" }, "Watch");
  join.addEventListener("click", () => location.assign(playPath(room.game, room.matchId)));
  watch.addEventListener("click", () => location.assign(playPath(room.game, room.matchId, true)));
  return h("li", { id: `room-${room.matchId}`, class: "room-row", "data-match-id": room.matchId, "data-game": room.game }, h("span", { class: "room-text" }, describe(room)), join, watch);
}

/** Render one section per game into `host` and keep the lists fresh; `extra` adds a game's own controls (quick play). */
export function mountDirectory(host: HTMLElement, games: readonly GameInfo[], extra: (section: HTMLElement, game: GameInfo) => void): void {
  const lists = new Map<string, { list: HTMLElement; empty: HTMLElement; error: HTMLElement }>();
  const sections = games.map((g) => {
    const list = h("ul", { id: `rooms-${g.id}`, class: "room-list", "aria-live": "polite" });
    const empty = h("p", { class: "hint" }, "No open rooms right now. Create one above, or use Quick play.");
    const error = h("p", { class: "form-error", role: "alert" });
    lists.set(g.id, { list, empty, error });
    const section = h("section", { class: "card directory-game", "data-game": g.id, "aria-labelledby": `rooms-${g.id}-title` }, h("h3", { id: `rooms-${g.id}-title` }, g.title));
    extra(section, g);
    section.append(list, empty, error);
    return section;
  });
  host.replaceChildren(...sections);

  let timer: ReturnType<typeof setTimeout> | null = null;
  const poll = async () => {
    timer = null;
    await Promise.all(
      games.map(async (g) => {
        const ui = lists.get(g.id);
        if (!ui) return;
        try {
          const page = await fetchJson(directoryAnswers().PublicRoomsResponse, `/api/rooms?game=${encodeURIComponent(g.id)}&limit=${PER_GAME}`);
          ui.list.replaceChildren(...page.rooms.map(row));
          ui.empty.hidden = page.rooms.length > 0;
          setText(ui.error, "");
        } catch (err) {
          setText(ui.error, `Could not load the open rooms: ${words(err)}`);
        }
      }),
    );
    if (!document.hidden) timer = setTimeout(() => void poll(), POLL_MS);
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && timer === null) void poll();
  });
  void poll();
}
