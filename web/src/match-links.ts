/** Match ids in URLs: reading them from the page address or a pasted link, and building share links. */

export type GameId = "connect-four" | "runner";

const MATCH_ID = /^[A-Za-z0-9_-]{32}$/;

export function isMatchId(s: string): boolean {
  return MATCH_ID.test(s);
}

/** The `?match=` of the current page, if it is a well-formed match id. */
export function matchIdFromPage(): string | null {
  const id = new URLSearchParams(location.search).get("match");
  return id !== null && isMatchId(id) ? id : null;
}

/** A match id from what a player pasted: a share link (any page), or the bare id. */
export function matchIdFromInput(input: string): string | null {
  const text = input.trim();
  if (isMatchId(text)) return text;
  try {
    const id = new URL(text, location.origin).searchParams.get("match");
    return id !== null && isMatchId(id) ? id : null;
  } catch {
    return null;
  }
}

export function gamePage(game: GameId): string {
  return game === "runner" ? "/runner.html" : "/connect-four.html";
}

/** The link a player sends to a friend. */
export function shareUrl(game: GameId, matchId: string): string {
  return new URL(`${gamePage(game)}?match=${matchId}`, location.origin).toString();
}

export function asGameId(game: string): GameId | null {
  return game === "connect-four" || game === "runner" ? game : null;
}
