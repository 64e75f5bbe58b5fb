/**
 * The match page of every game: `/play.html?game=<id>&match=<matchId>` (add
 * `&watch=1` to watch without a seat). It loads the game's page module
 * (/js/games/<id>.js), asks for a name when this device has none, and lets the
 * module render and run the match. A link without `game` is resolved from the
 * match's public status. No game is named here.
 */
import { api, type GameInfo } from "./api";
import { byId, h, setText } from "./dom";
import { loadGamePage } from "./game-page";
import { requireGuest } from "./identity";
import { matchIdFromPage, shareUrl } from "./match-links";
import { mountSpectatorCount } from "./spectator-count";

function fatal(text: string): void {
  byId("fatal").replaceChildren(`${text} `, h("a", { href: "/" }, "Go to the lobby"), " to start or join a match.");
  byId("connection").hidden = true;
}

async function gameOf(matchId: string): Promise<GameInfo | null> {
  const named = new URLSearchParams(location.search).get("game");
  const [games, id] = await Promise.all([api.games(), named ?? api.status(matchId).then((s) => s.game)]);
  return games.find((g) => g.id === id) ?? null;
}

async function main(): Promise<void> {
  const matchId = matchIdFromPage();
  if (!matchId) return fatal("This page needs a match link.");
  let game: GameInfo | null;
  try {
    game = await gameOf(matchId);
  } catch (err) {
    return fatal(`Could not look up the match: ${err instanceof Error ? err.message : String(err)}.`);
  }
  const page = game && (await loadGamePage(game.id));
  if (!game || !page) return fatal("This link names a game this server does not host.");
  setText(byId("game-title"), page.title);
  document.title = `${page.title} · Edgeroom`;
  const role = new URLSearchParams(location.search).get("watch") === "1" ? "spectator" : "player";
  await requireGuest(byId("join"), `Enter a name to ${role === "spectator" ? "watch" : "join"} this ${page.title} match.`);
  page.mount(byId("game-root"), { game, matchId, role, shareUrl: shareUrl(game.id, matchId), connection: byId("connection") });
  if (role === "spectator") setText(byId("watching"), "You are watching: moves are read-only.");
  mountSpectatorCount(byId("spectator-count"), matchId);
}

void main();
