/**
 * The lobby: a guest name (kept on this device), Connect Four against the AI
 * (easy/medium/hard) or a friend (with a share link), a runner race for up to
 * four, and joining from a pasted link. `/?match=<id>` (the API's join link)
 * is forwarded to the right game page.
 */
import { ApiError, api, type CreateMatchBody } from "./api";
import { byId, h, setText } from "./dom";
import { checkName, guestNamed, rememberedName } from "./identity";
import { asGameId, gamePage, matchIdFromInput, matchIdFromPage, shareUrl, type GameId } from "./match-links";
import { shareLink } from "./share-link";

const nameInput = byId<HTMLInputElement>("name");

function words(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
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

/** Run a create action with its button disabled and errors shown in its section. */
function action(buttonId: string, statusId: string, run: (token: string) => Promise<void>): void {
  const button = byId<HTMLButtonElement>(buttonId);
  button.addEventListener("click", () => {
    void (async () => {
      const status = byId(statusId);
      button.disabled = true;
      setText(status, "Working…");
      try {
        const token = await guest();
        if (token === null) {
          setText(status, "");
          return;
        }
        await run(token);
      } catch (err) {
        setText(status, `Could not create the match: ${words(err)}`);
      } finally {
        button.disabled = false;
      }
    })();
  });
}

function selectedLevel(): "easy" | "medium" | "hard" {
  const checked = document.querySelector<HTMLInputElement>('input[name="level"]:checked');
  const v = checked?.value;
  return v === "easy" || v === "hard" ? v : "medium";
}

function showCreated(hostId: string, statusId: string, game: GameId, matchId: string, what: string): void {
  const url = shareUrl(game, matchId);
  setText(byId(statusId), `${what} created. Send the link, then open the ${game === "runner" ? "race" : "board"}.`);
  byId(hostId).replaceChildren(
    shareLink(url, "Share link"),
    h("p", {}, h("a", { class: "button primary", href: `${gamePage(game)}?match=${matchId}`, id: `${hostId}-open` }, game === "runner" ? "Open the race" : "Open the board")),
  );
}

function intIn(id: string, min: number, max: number, fallback: number): number {
  const v = Number(byId<HTMLInputElement | HTMLSelectElement>(id).value);
  return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

async function forward(matchId: string, statusId: string): Promise<void> {
  const status = byId(statusId);
  setText(status, "Looking up the match…");
  try {
    const s = await api.status(matchId);
    const game = asGameId(s.game);
    if (!game) {
      setText(status, `This match is a game this page cannot show (${s.game}).`);
      return;
    }
    if (s.status === "closed") setText(status, "That match is closed; opening it anyway.");
    location.assign(`${gamePage(game)}?match=${matchId}`);
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

  action("play-ai", "ai-status", async (token) => {
    const matchId = (await api.createMatch(token, { game: "connect-four", mode: "ai", aiLevel: selectedLevel() })).matchId;
    setText(byId("ai-status"), "Match created. Opening the board…");
    location.assign(`${gamePage("connect-four")}?match=${matchId}`);
  });

  action("create-friend", "friend-status", async (token) => {
    const turn = intIn("turn-seconds", 0, 600, 30);
    const body: CreateMatchBody = { game: "connect-four", mode: "pvp", turnMs: turn === 0 ? 0 : turn * 1000 };
    showCreated("friend-created", "friend-status", "connect-four", (await api.createMatch(token, body)).matchId, "Match");
  });

  action("create-race", "race-status", async (token) => {
    const seats = intIn("race-seats", 1, 4, 2);
    const durationSeconds = intIn("race-duration", 10, 90, 60);
    const matchId = (await api.createMatch(token, { game: "runner", mode: "pvp", seats, options: { durationSeconds } })).matchId;
    showCreated("race-created", "race-status", "runner", matchId, seats === 1 ? "Solo race" : `Race for ${seats}`);
  });

  byId("join-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const id = matchIdFromInput(byId<HTMLInputElement>("join-link").value);
    if (!id) {
      setText(byId("join-status"), "That is not a match link. Paste the whole link you were sent.");
      return;
    }
    void forward(id, "join-status");
  });

  // The API's own join link points at the lobby: send the visitor on to the game.
  const linked = matchIdFromPage();
  if (linked) void forward(linked, "join-status");
}

main();
