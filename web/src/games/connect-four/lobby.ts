/** Connect Four's lobby card: a match against the computer (a level), or one with a friend (time per move, share link). */
import { byId, h, setText } from "../../dom";
import { aiLevelOf, type LobbyContext } from "../../game-page";
import { shareLink } from "../../share-link";

const LEVEL_WORDS: Record<string, string> = { easy: "Easy", medium: "Medium", hard: "Hard" };

export function connectFourLobby(card: HTMLElement, ctx: LobbyContext): void {
  const levels = ctx.game.aiLevels;
  const preferred = levels.includes("medium") ? "medium" : levels[0];
  const radios = levels.map((level) =>
    h("label", {}, h("input", { type: "radio", name: "level", value: level, checked: level === preferred }), ` ${LEVEL_WORDS[level] ?? level}`),
  );
  const playAi = h("button", { id: "play-ai", type: "button", class: "primary" }, "Play the computer");
  const aiStatus = h("p", { id: "ai-status", class: "status", role: "status" });
  const turn = h(
    "select",
    { id: "turn-seconds" },
    h("option", { value: "15" }, "15 seconds"),
    h("option", { value: "30", selected: true }, "30 seconds"),
    h("option", { value: "60" }, "1 minute"),
    h("option", { value: "0" }, "No clock"),
  );
  const createFriend = h("button", { id: "create-friend", type: "button", class: "primary" }, "Create a match");
  const friendStatus = h("p", { id: "friend-status", class: "status", role: "status" });
  const created = h("div", { id: "friend-created" });
  const against = levels.length === 0 ? [] : [h("h3", {}, "Against the computer"), h("fieldset", { class: "levels" }, h("legend", {}, "Level"), ...radios), playAi, aiStatus];
  card.append(
    ...against,
    h("h3", {}, "With a friend"),
    h("label", { for: "turn-seconds" }, "Time per move"),
    turn,
    createFriend,
    friendStatus,
    created,
  );

  ctx.onCreate(playAi, aiStatus, async (create) => {
    const checked = card.querySelector<HTMLInputElement>('input[name="level"]:checked');
    const matchId = await create({ mode: "ai", aiLevel: aiLevelOf(checked?.value) });
    setText(aiStatus, "Match created. Opening the board…");
    ctx.open(matchId);
  });

  ctx.onCreate(createFriend, friendStatus, async (create) => {
    const seconds = Number(byId<HTMLSelectElement>("turn-seconds").value);
    const turnMs = Number.isInteger(seconds) && seconds >= 0 && seconds <= 600 ? seconds * 1000 : 30_000;
    const matchId = await create({ mode: "pvp", turnMs });
    setText(friendStatus, "Match created. Send the link, then open the board.");
    created.replaceChildren(
      shareLink(ctx.shareUrl(matchId), "Share link"),
      h("p", {}, h("a", { class: "button primary", href: ctx.playUrl(matchId), id: "friend-created-open" }, "Open the board")),
    );
  });
}
