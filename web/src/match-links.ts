/**
 * Match links: reading a match id from the page address or a pasted link, and building the
 * generic match page's address (`/play.html?game=<id>&match=<id>`). Game ids are only passed
 * through here, never named.
 */

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

/** The match page, relative to the site (for links and navigation). */
export function playPath(game: string, matchId: string, watch = false): string {
  const q = new URLSearchParams({ game, match: matchId });
  if (watch) q.set("watch", "1");
  return `/play.html?${q.toString()}`;
}

/** The link a player sends to a friend (or, with `watch`, to someone who only watches). */
export function shareUrl(game: string, matchId: string, watch = false): string {
  return new URL(playPath(game, matchId, watch), location.origin).toString();
}
