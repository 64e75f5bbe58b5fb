/**
 * The contract between the generic pages (the lobby and play.html) and one game's page module,
 * web/src/games/<game-id>.ts, built to /js/games/<game-id>.js. The generic pages know games only
 * from GET /api/games; everything a game looks like in the browser comes from its module through
 * this interface, so adding a game touches no shared page.
 */
import { AI_LEVELS } from "../../src/protocol/http-api";
import type { CreateMatchBody, GameInfo } from "./api";

/** A match request without the game id (the lobby adds it: the module need not spell its own id). */
export type MatchRequest = Omit<CreateMatchBody, "game">;

export interface LobbyContext {
  /** The game as the server describes it (seats, AI levels, defaults). */
  readonly game: GameInfo;
  /**
   * Wire a create button: while `run` works the button is disabled and `status` says so; the guest
   * sign-in (from the lobby's name field) and any error are reported in `status` too. `run` gets
   * `create`, which creates a match of this game and answers its id.
   */
  onCreate(button: HTMLButtonElement, status: HTMLElement, run: (create: (request: MatchRequest) => Promise<string>) => Promise<void>): void;
  /** The match page of a match of this game (same origin, for links). */
  playUrl(matchId: string): string;
  /** The absolute link a player sends to a friend. */
  shareUrl(matchId: string): string;
  /** Go to the match page. */
  open(matchId: string): void;
}

export interface PlayContext {
  readonly game: GameInfo;
  readonly matchId: string;
  /** Joining as a spectator (`&watch=1`): no seat, and the page must show only what spectators may see. */
  readonly role: "player" | "spectator";
  /** The absolute link that seats another player in this match. */
  readonly shareUrl: string;
  /** The header's connection indicator host. */
  readonly connection: HTMLElement;
}

export interface GamePage {
  /** Shown as the card's and the match page's heading. */
  readonly title: string;
  /** Render this game's create-a-match form into its lobby card (the card already has the title). */
  lobby(card: HTMLElement, ctx: LobbyContext): void;
  /** Render the match page into `root` and join the match (the player already has a guest identity). */
  mount(root: HTMLElement, ctx: PlayContext): void;
}

/** Define a page module (its default export): returns its argument, typed. */
export function defineGamePage(page: GamePage): GamePage {
  return page;
}

/** Whether a dynamically imported module's default export is a page module (the build cannot check a URL import). */
export function isGamePage(x: unknown): x is GamePage {
  return (
    typeof x === "object" &&
    x !== null &&
    "title" in x &&
    typeof x.title === "string" &&
    "lobby" in x &&
    typeof x.lobby === "function" &&
    "mount" in x &&
    typeof x.mount === "function"
  );
}

/** Game ids as the registry allows them (src/games/registry.ts); checked before one becomes a module URL. */
const GAME_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Load a game's page module from /js/games/<id>.js, or null when there is none (or it is not one). */
export async function loadGamePage(gameId: string): Promise<GamePage | null> {
  if (!GAME_ID.test(gameId)) return null;
  try {
    // A URL in a variable, not a template in the call: esbuild leaves the import alone (it would try to
    // bundle a template's matches), and each game's module stays its own bundle, loaded only when needed.
    const url = new URL(`/js/games/${gameId}.js`, location.origin).href;
    const mod: unknown = await import(url);
    const page = typeof mod === "object" && mod !== null && "default" in mod ? mod.default : null;
    return isGamePage(page) ? page : null;
  } catch {
    return null;
  }
}

/** A form value as the `aiLevel` POST /api/matches accepts, or "medium" (the API's default) for anything else. */
export function aiLevelOf(value: string | undefined): (typeof AI_LEVELS)[number] {
  return AI_LEVELS.find((l) => l === value) ?? "medium";
}
