/**
 * The lobby: a guest name (kept on this device), one card per game the server
 * hosts (GET /api/games), each filled in by that game's own page module with
 * its create-a-match form, the live directory of open rooms with Quick play per game
 * (lobby-rooms.ts, quick-play.ts), joining by private code, and joining from a pasted link. `/?match=<id>` (the
 * API's join link) is forwarded to the match page. No game is named here.
 */
import { ApiError, api, type GameInfo } from "./api";
import { byId, h, setText } from "./dom";
import { loadGamePage, type LobbyContext } from "./game-page";
import { checkName, guestNamed, rememberedName } from "./identity";
import { matchIdFromInput, matchIdFromPage, playPath, shareUrl } from "./match-links";
import { mountDirectory } from "./lobby-rooms";
import { mountQuickPlay } from "./quick-play";
import { JoinCode, matchmakingAnswers } from "../../src/protocol/matchmaking-api";
import { fetchJson, HttpError } from "./json-fetch";

const nameInput = byId<HTMLInputElement>("name");

function words(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The guest for the name in the form, or null (with the problem shown next to the field). */
async function guest(): Promise<string | null> {
  const checked = checkName(nameInput.value);
  const error = byId("name-error");
  if (!checked.ok) {
    setText(error, checked.message);
    nameInput.focus();
    return null;
  }
  setText(error, "");
  try {
    const g = await guestNamed(checked.name);
    setText(byId("playing-as"), `Playing as ${g.name}.`);
    return g.token;
  } catch (err) {
    setText(error, `Could not sign in: ${words(err)}`);
    return null;
  }
}

function lobbyContext(game: GameInfo): LobbyContext {
  return {
    game,
    onCreate(button, status, run) {
      button.addEventListener("click", () => {
        void (async () => {
          button.disabled = true;
          setText(status, "Working…");
          try {
            const token = await guest();
            if (token === null) {
              setText(status, "");
              return;
            }
            await run(async (request) => (await api.createMatch(token, { ...request, game: game.id })).matchId);
          } catch (err) {
            setText(status, `Could not create the match: ${words(err)}`);
          } finally {
            button.disabled = false;
          }
        })();
      });
    },
    playUrl: (matchId) => playPath(game.id, matchId),
    shareUrl: (matchId) => shareUrl(game.id, matchId),
    open: (matchId) => location.assign(playPath(game.id, matchId)),
  };
}

/** One card per game, in the server's order; each game's module fills its own card. */
async function renderGames(host: HTMLElement): Promise<GameInfo[]> {
  let games: GameInfo[];
  try {
    games = await api.games();
  } catch (err) {
    host.replaceChildren(h("p", { class: "form-error", role: "alert" }, `Could not load the games: ${words(err)}`));
    return [];
  }
  const cards = games.map((g) => {
    const title = h("h2", { id: `game-${g.id}-title` }, g.title);
    return h("section", { class: "card game-card", "data-game": g.id, "aria-labelledby": `game-${g.id}-title` }, title);
  });
  host.replaceChildren(...cards);
  await Promise.all(
    games.map(async (g, i) => {
      const card = cards[i];
      if (!card) return;
      const page = await loadGamePage(g.id);
      if (page) page.lobby(card, lobbyContext(g));
      else card.append(h("p", { class: "hint" }, "This game has no page in this build."));
    }),
  );
  return games;
}

async function forward(matchId: string, statusId: string, games: Promise<GameInfo[]>): Promise<void> {
  const status = byId(statusId);
  setText(status, "Looking up the match…");
  try {
    const s = await api.status(matchId);
    if (!(await games).some((g) => g.id === s.game)) {
      setText(status, `This match is a game this page cannot show (${s.game}).`);
      return;
    }
    if (s.status === "closed") setText(status, "That match is closed; opening it anyway.");
    location.assign(playPath(s.game, matchId));
  } catch (err) {
    setText(status, err instanceof ApiError && err.status === 404 ? "There is no match with that link." : `Could not look up the match: ${words(err)}`);
  }
}

function main(): void {
  nameInput.value = rememberedName();
  if (nameInput.value) setText(byId("playing-as"), `Playing as ${nameInput.value}.`);
  byId("name-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void guest();
  });
  const games = renderGames(byId("games"));
  void games.then((list) => mountDirectory(byId("directory"), list, (section, g) => mountQuickPlay(section, g, guest)));

  byId("code-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const code = JoinCode.safeParse(byId<HTMLInputElement>("code-input").value.trim().toUpperCase());
    if (!code.success) {
      setText(byId("code-status"), "A join code is 6 letters and digits (no I, L, O, U, 0 or 1).");
      return;
    }
    setText(byId("code-status"), "Looking up the code…");
    fetchJson(matchmakingAnswers().CodeResponse, `/api/codes/${code.data}`).then(
      (found) => forward(found.matchId, "code-status", games),
      (err: unknown) => setText(byId("code-status"), err instanceof HttpError && err.status === 404 ? "No match has this code (wrong, or the match is over)." : `Could not look up the code: ${words(err)}`),
    );
  });

  byId("join-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const id = matchIdFromInput(byId<HTMLInputElement>("join-link").value);
    if (!id) {
      setText(byId("join-status"), "That is not a match link. Paste the whole link you were sent.");
      return;
    }
    void forward(id, "join-status", games);
  });

  // The API's own join link points at the lobby: send the visitor on to the game.
  const linked = matchIdFromPage();
  if (linked) void forward(linked, "join-status", games);
}

main();
