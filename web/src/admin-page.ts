/**
 * The operator console (/admin, a static page; nothing of it is in the worker bundle). The operator
 * token is entered in a form and kept in this tab's sessionStorage, sent only as
 * `Authorization: Bearer`, never in a URL. It shows every live room (GET /api/admin/rooms, refreshed
 * every REFRESH_MS), one room's live view (its public status and counters, and a link that watches it
 * as a spectator), and the two operator actions: close the room with a reason, remove one player.
 *
 * Element ids (stable): token-form, token-input, token-save, token-forget, token-status;
 * admin-rooms (tbody), admin-room-<matchId> (a row, data-match-id), view-<matchId>; admin-first,
 * admin-next, admin-error, admin-updated; room-view, room-view-title, room-watch, room-status,
 * room-metrics, room-players, player-<playerId>, remove-reason-<playerId>, remove-<playerId>,
 * remove-result-<playerId>; close-form, close-reason, close-room, close-result.
 */
import * as z from "zod";
import { directoryAnswers, type AdminRoom } from "../../src/protocol/directory-api";
import { httpAnswers } from "../../src/protocol/http-answers";
import { byId, h, setText } from "./dom";
import { fetchJson, words } from "./json-fetch";
import { playPath } from "./match-links";

const TOKEN_KEY = "edgeroom:operator-token";
export const REFRESH_MS = 5_000;
const PAGE = 50;

function token(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return memoryToken;
  }
}
let memoryToken: string | null = null;

function setToken(value: string | null): void {
  memoryToken = value;
  try {
    if (value === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // Storage off: the token lasts for this page only.
  }
}

function authed(init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token() ?? ""}`);
  return { ...init, headers, cache: "no-store" };
}

const age = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

// ------------------------------------------------------------ the room list

let cursor: string | null = null;
let nextCursor: string | null = null;
let rooms: AdminRoom[] = [];
let selected: string | null = null;

function roomRow(r: AdminRoom): HTMLElement {
  const view = h("button", { type: "button", id: `view-${r.matchId}`, class: "view-room" }, "View");
  view.addEventListener("click", () => select(r.matchId));
  const players = r.players.map((p) => `${p.name || `Seat ${p.seat + 1}`}${p.kind === "ai" ? " (AI)" : p.connected ? "" : " (away)"}`).join(", ");
  return h(
    "tr",
    { id: `admin-room-${r.matchId}`, "data-match-id": r.matchId, "data-state": r.state },
    h("td", {}, h("code", {}, r.matchId.slice(0, 8)), r.listed ? "" : " · private"),
    h("td", {}, `${r.game} (${r.mode})`),
    h("td", {}, r.state),
    h("td", {}, `${r.seats.total - r.seats.open}/${r.seats.total}`),
    h("td", {}, players || "—"),
    h("td", {}, String(r.spectators)),
    h("td", {}, age(r.ageMs)),
    h("td", {}, r.inputsPerSecond.toFixed(2)),
    h("td", {}, String(r.storageRows)),
    h("td", {}, view),
  );
}

async function refreshList(): Promise<void> {
  if (token() === null) return;
  try {
    const page = await fetchJson(directoryAnswers().AdminRoomsResponse, `/api/admin/rooms?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, authed());
    rooms = page.rooms;
    nextCursor = page.nextCursor;
    byId("admin-rooms").replaceChildren(...rooms.map(roomRow));
    byId<HTMLButtonElement>("admin-next").disabled = nextCursor === null;
    setText(byId("admin-error"), "");
    setText(byId("admin-updated"), `${rooms.length} room${rooms.length === 1 ? "" : "s"} on this page · updated ${new Date().toLocaleTimeString()}`);
  } catch (err) {
    setText(byId("admin-error"), `Could not list the rooms: ${words(err)}`);
  }
}

// ------------------------------------------------------------ one room's live view

function select(matchId: string): void {
  selected = matchId;
  byId("room-view").hidden = false;
  setText(byId("close-result"), "");
  void refreshView();
}

function playerItem(matchId: string, p: AdminRoom["players"][number]): HTMLElement {
  const id = p.playerId;
  const reason = h("input", { id: `remove-reason-${id}`, type: "text", maxlength: 200, placeholder: "Reason", "aria-label": `Reason for removing ${p.name}` });
  const button = h("button", { type: "button", id: `remove-${id}`, class: "remove-player", "data-player-id": id }, "Remove player");
  const result = h("span", { id: `remove-result-${id}`, class: "status", role: "status" });
  button.addEventListener("click", () => {
    void act(`/api/admin/rooms/${encodeURIComponent(matchId)}/players/${encodeURIComponent(id)}/remove`, reason.value, result, button);
  });
  return h("li", { id: `player-${id}`, "data-player-id": id }, h("span", {}, `Seat ${p.seat + 1}: ${p.name} (${id}) ${p.connected ? "connected" : "away"}`), reason, button, result);
}

async function refreshView(): Promise<void> {
  const matchId = selected;
  if (matchId === null || token() === null) return;
  const entry = rooms.find((r) => r.matchId === matchId);
  setText(byId("room-view-title"), `Room ${matchId}`);
  if (entry) byId<HTMLAnchorElement>("room-watch").href = playPath(entry.game, matchId, true);
  const [status, metrics] = await Promise.allSettled([
    fetchJson(httpAnswers().PublicStatus, `/api/matches/${encodeURIComponent(matchId)}`, { cache: "no-store" }),
    fetchJson(httpAnswers().MetricsResponse, `/api/matches/${encodeURIComponent(matchId)}/metrics`, authed()),
  ]);
  if (selected !== matchId) return;
  setText(byId("room-status"), status.status === "fulfilled" ? JSON.stringify(status.value, null, 2) : words(status.reason));
  setText(byId("room-metrics"), metrics.status === "fulfilled" ? JSON.stringify(metrics.value.counters, null, 2) : words(metrics.reason));
  // Rebuilt only when the seated players change, so a reason being typed is not wiped by a refresh.
  const humans = (entry?.players ?? []).filter((p) => p.kind === "human");
  const list = byId("room-players");
  const key = humans.map((p) => `${p.playerId}:${p.connected}`).join("|");
  if (list.dataset["key"] !== `${matchId}|${key}`) {
    list.dataset["key"] = `${matchId}|${key}`;
    list.replaceChildren(...humans.map((p) => playerItem(matchId, p)));
    if (humans.length === 0) list.append(h("li", { class: "hint" }, "No human players seated."));
  }
}

/** One operator action: POST `{reason}`, then show the answer (or the error) next to its button. */
async function act(path: string, reason: string, result: HTMLElement, button: HTMLButtonElement): Promise<void> {
  const text = reason.trim();
  if (text.length === 0) {
    setText(result, "Give a reason: the players see it.");
    return;
  }
  button.disabled = true;
  setText(result, "Working…");
  try {
    const answer = await fetchJson(z.unknown(), path, authed({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ reason: text }) }));
    setText(result, `Done: ${JSON.stringify(answer)}`);
    await refreshList();
    await refreshView();
  } catch (err) {
    setText(result, `Failed: ${words(err)}`);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------ wiring

function main(): void {
  const input = byId<HTMLInputElement>("token-input");
  const status = byId("token-status");
  setText(status, token() === null ? "Enter the token to see the rooms." : "Using the token kept for this tab.");
  byId("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = input.value.trim();
    if (value.length === 0) return;
    setToken(value);
    input.value = "";
    setText(status, "Using the token kept for this tab.");
    cursor = null;
    void refreshList();
  });
  byId("token-forget").addEventListener("click", () => {
    setToken(null);
    rooms = [];
    byId("admin-rooms").replaceChildren();
    byId("room-view").hidden = true;
    selected = null;
    setText(status, "Token forgotten. Enter the token to see the rooms.");
  });
  byId("admin-first").addEventListener("click", () => {
    cursor = null;
    void refreshList();
  });
  byId("admin-next").addEventListener("click", () => {
    cursor = nextCursor;
    void refreshList();
  });
  byId("close-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (selected === null) return;
    void act(`/api/admin/rooms/${encodeURIComponent(selected)}/close`, byId<HTMLInputElement>("close-reason").value, byId("close-result"), byId<HTMLButtonElement>("close-room"));
  });
  const tick = async () => {
    if (!document.hidden) {
      await refreshList();
      await refreshView();
    }
    setTimeout(() => void tick(), REFRESH_MS);
  };
  void tick();
}

main();
