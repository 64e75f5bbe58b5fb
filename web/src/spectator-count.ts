/**
 * The match page's "N watching" line: the spectator count of the match's public status
 * (GET /api/matches/:id, `spectators`), refreshed every REFRESH_MS while the page is visible. Read
 * from the public status rather than the room's frames, so a spectator joining or leaving never
 * writes to the room's storage or sends every player an update.
 *
 * Element id (stable): `spectator-count` (its text, and `data-count` with the number).
 */
import { api } from "./api";
import { setText } from "./dom";

export const REFRESH_MS = 5_000;

export function mountSpectatorCount(el: HTMLElement, matchId: string): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const refresh = async () => {
    timer = null;
    try {
      const s = await api.status(matchId);
      el.dataset["count"] = String(s.spectators);
      setText(el, s.spectators === 0 ? "Nobody is watching." : `${s.spectators} watching.`);
    } catch {
      // The count is a nicety: keep the last one; the connection indicator reports real trouble.
    }
    if (!document.hidden) timer = setTimeout(() => void refresh(), REFRESH_MS);
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && timer === null) void refresh();
  });
  void refresh();
}
