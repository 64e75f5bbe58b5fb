/** The runner's lobby card: a race for one to the game's most runners, of a chosen length, with a share link. */
import { h, setText } from "../../dom";
import type { LobbyContext } from "../../game-page";
import { shareLink } from "../../share-link";

export function runnerLobby(card: HTMLElement, ctx: LobbyContext): void {
  const { min, max } = ctx.game.seats;
  const counts = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const seats = h("select", { id: "race-seats" }, ...counts.map((n) => h("option", { value: String(n), selected: n === Math.min(2, max) }, n === 1 ? "1 (solo)" : String(n))));
  const duration = h("input", { id: "race-duration", type: "number", min: 10, max: 90, step: 1, value: 60, inputmode: "numeric" });
  const button = h("button", { id: "create-race", type: "button", class: "primary" }, "Create a race");
  const status = h("p", { id: "race-status", class: "status", role: "status" });
  const created = h("div", { id: "race-created" });
  card.append(
    h("p", { class: "hint" }, "Jump low obstacles, duck under high ones; the last runner standing wins."),
    h(
      "div",
      { class: "fields" },
      h("div", {}, h("label", { for: "race-seats" }, "Runners"), seats),
      h("div", {}, h("label", { for: "race-duration" }, "Length (seconds, 10–90)"), duration),
    ),
    button,
    status,
    created,
  );

  ctx.onCreate(button, status, async (create) => {
    const n = Number(seats.value);
    const count = Number.isInteger(n) && n >= min && n <= max ? n : min;
    const s = Number(duration.value);
    const durationSeconds = Number.isInteger(s) && s >= 10 && s <= 90 ? s : 60;
    const matchId = await create({ mode: "pvp", seats: count, options: { durationSeconds } });
    setText(status, `${count === 1 ? "Solo race" : `Race for ${count}`} created. Send the link, then open the race.`);
    created.replaceChildren(
      shareLink(ctx.shareUrl(matchId), "Share link"),
      h("p", {}, h("a", { class: "button primary", href: ctx.playUrl(matchId), id: "race-created-open" }, "Open the race")),
    );
  });
}
