/**
 * Liar's Dice's page module (built to /js/games/liars-dice.js): the lobby card (2–6 players, dice
 * each, friends or the computer) and the table: your dice, everyone's dice counts, the bids of the
 * hand, bid and liar controls, the last challenge with every die it revealed, and the result with
 * the fairness check. Everything shown comes from the seat's view, so a spectator's page has no
 * hidden dice to show: the room never sends them (only a challenge reveals a hand).
 */
import { joinMatch, localStorageStore, type GameClient, type InputOutcome } from "../../../src/client/internal";
import type { liarsDice } from "../../../src/games/liars-dice";
import { isRaise, type BidValue } from "../../../src/games/liars-dice/bids";
import { FACES, MAX_DICE, type LdBid } from "../../../src/games/liars-dice/state";
import type { LiarsDiceView } from "../../../src/games/liars-dice/view";
import { mountConnectionIndicator, type Indicator } from "../connection-indicator";
import { byId, h, setText, show } from "../dom";
import { FairnessTracker, renderFairness } from "../fairness";
import { aiLevelOf, defineGamePage, type LobbyContext, type PlayContext } from "../game-page";
import { tokenProvider } from "../identity";
import { renderPlayers } from "../players-list";
import { shareLink } from "../share-link";
import { mountTurnClock } from "../turn-clock";

const DIE = ["⚀", "⚁", "⚂", "⚃", "⚄", "⚅"] as const;
const bidWords = (b: BidValue) => `${b.quantity} × ${b.face}${b.quantity === 1 ? "" : "s"}`;
const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One die: the glyph for the eye, the number for everyone else. */
function die(face: number): HTMLElement {
  return h("span", { class: "die", "data-face": face, role: "img", "aria-label": String(face) }, DIE[face - 1] ?? "?");
}

// The table's own look ships with its module, so the shared stylesheet needs no game's classes.
const STYLE = `.ld .dice{display:flex;flex-wrap:wrap;gap:.3rem;font-size:2.2rem;line-height:1;min-height:2.2rem}
.ld .reveal-row .dice{font-size:1.6rem}.ld .bids{max-height:12rem;overflow:auto}.ld .counts li[data-out="true"]{opacity:.6}
.ld .controls{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}.ld .controls input{width:5rem}`;

const MARKUP = `<div id="game" class="ld" hidden>
  <ul id="players" class="players" aria-label="Players"></ul>
  <div class="turn-line"><p id="turn" class="turn" role="status" aria-live="polite"></p><p id="clock" class="clock"></p></div>
  <section class="card" aria-labelledby="ld-table-title"><h2 id="ld-table-title">The table</h2>
    <p id="ld-hand" class="hint"></p><div id="ld-my-dice" class="dice" aria-label="Your dice"></div>
    <ul id="ld-counts" class="counts" aria-label="Dice per player"></ul>
    <p id="ld-current-bid" class="current-bid" role="status"></p>
    <ol id="ld-bids" class="bids" aria-label="Bids this hand"></ol></section>
  <form id="ld-controls" class="controls" hidden>
    <div><label for="ld-quantity">How many dice</label><input id="ld-quantity" type="number" min="1" step="1" inputmode="numeric"></div>
    <div><label for="ld-face">Showing</label><select id="ld-face">${DIE.map((d, i) => `<option value="${i + 1}">${d} ${i + 1}</option>`).join("")}</select></div>
    <button id="ld-bid" type="submit" class="primary">Bid</button><button id="ld-liar" type="button">Call liar</button></form>
  <p id="message" class="message" role="status" aria-live="polite"></p><p id="alert" class="sr-only" role="alert"></p>
  <section id="ld-reveal" class="card reveal" hidden aria-labelledby="ld-reveal-title"><h2 id="ld-reveal-title">Last challenge</h2>
    <p id="ld-reveal-text"></p><ul id="ld-reveal-dice"></ul></section>
  <div id="share-host" hidden></div>
  <div class="actions"><button id="rematch" type="button" class="primary" hidden>Rematch</button><a class="button" href="/">Lobby</a></div>
  <section id="fairness" class="fairness card" hidden aria-label="Fairness check"><h3>Fairness check</h3></section>
  <p class="hint">Ones are wild unless the bid is on ones. Calling liar reveals every die: if the bid holds, the caller loses a die, else the bidder.</p>
</div>`;

function lobby(card: HTMLElement, ctx: LobbyContext): void {
  const { min, max } = ctx.game.seats;
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const seats = h("select", { id: "ld-seats" }, ...range(min, max).map((n) => h("option", { value: n, selected: n === min }, String(n))));
  const dice = h("select", { id: "ld-dice" }, ...range(1, MAX_DICE).map((n) => h("option", { value: n, selected: n === MAX_DICE }, String(n))));
  const opponents = h(
    "select",
    { id: "ld-opponents" },
    ...ctx.game.aiLevels.map((l) => h("option", { value: `ai:${l}`, selected: l === "medium" }, `The computer (${l})`)),
    h("option", { value: "friends" }, "Friends, with a link"),
  );
  const button = h("button", { id: "ld-create", type: "button", class: "primary" }, "Open a table");
  const status = h("p", { id: "ld-status", class: "status", role: "status" });
  const created = h("div", { id: "ld-created" });
  const field = (id: string, label: string, el: HTMLElement) => h("div", {}, h("label", { for: id }, label), el);
  card.append(
    h("p", { class: "hint" }, "Bid on the dice hidden under everyone's cups, ones wild; call liar when a bid is too high."),
    h("div", { class: "fields" }, field("ld-seats", "Players at the table", seats), field("ld-dice", "Dice each", dice), field("ld-opponents", "Opponents", opponents)),
    button,
    status,
    created,
  );
  ctx.onCreate(button, status, async (create) => {
    const ai = opponents.value.startsWith("ai:");
    const options = { dice: Number(dice.value) };
    const matchId = await create({ mode: ai ? "ai" : "pvp", aiLevel: aiLevelOf(opponents.value.slice(3)), seats: Number(seats.value), options });
    if (ai) return ctx.open(matchId);
    setText(status, "Table open. Send the link to the other players, then take your seat.");
    created.replaceChildren(shareLink(ctx.shareUrl(matchId), "Share link"), h("p", {}, h("a", { class: "button primary", href: ctx.playUrl(matchId) }, "Go to the table")));
  });
}

class Table {
  private readonly indicator: Indicator;
  private readonly fairness: FairnessTracker;
  private pending = false;
  /** The standing bid the controls were last filled for (refilled when it changes). */
  private filledFor = "";

  constructor(
    private readonly client: GameClient<typeof liarsDice>,
    private readonly ctx: PlayContext,
  ) {
    show(byId("game"), true);
    this.indicator = mountConnectionIndicator(ctx.connection, client, "move");
    this.fairness = new FairnessTracker(ctx.matchId, () => this.render());
    mountTurnClock(byId("clock"), byId("alert"), client, () => this.me());
    client.on("welcome", () => this.render());
    client.on("state", () => this.render());
    client.on("update", (u) => {
      this.fairness.observeEvents(u.events, client.room?.round ?? 0);
      for (const e of u.events) if (e.type === "bid" && e["seat"] !== this.me() && typeof e["quantity"] === "number" && typeof e["face"] === "number") this.say(`${upper(this.who(Number(e["seat"])))} bid ${bidWords({ quantity: e["quantity"], face: e["face"] })}.`);
      this.render();
    });
    byId("ld-controls").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.bid();
    });
    byId("ld-liar").addEventListener("click", () => this.send({ type: "liar" }));
    byId("rematch").addEventListener("click", () => void client.rematch().then(() => this.render()));
    setInterval(() => this.renderPlayers(), 1000);
    this.render();
  }

  private me(): number | null {
    return this.client.welcome?.you.seat ?? null;
  }

  private view(): LiarsDiceView | null {
    return this.client.room?.view ?? null;
  }

  private who(seat: number): string {
    return seat === this.me() ? "you" : this.client.room?.seats[seat]?.name || `seat ${seat + 1}`;
  }

  private say(text: string): void {
    setText(byId("message"), text);
  }

  private bid(): void {
    const b = { quantity: Number(byId<HTMLInputElement>("ld-quantity").value), face: Number(byId<HTMLSelectElement>("ld-face").value) };
    const v = this.view();
    if (!v || !Number.isInteger(b.quantity) || b.quantity < 1 || b.quantity > v.totalDice) return this.say(`Bid between 1 and ${v?.totalDice ?? 1} dice.`);
    if (!isRaise(v.currentBid, b)) return this.say("A bid must raise: more dice, or as many of a higher face.");
    this.send({ type: "bid", ...b });
  }

  private send(input: { type: "bid"; quantity: number; face: number } | { type: "liar" }): void {
    if (this.pending) return;
    this.pending = true;
    this.say("");
    void this.client.send(input).then((o: InputOutcome) => {
      this.pending = false;
      if (!o.ok) this.say(o.message);
      this.indicator.refresh();
      this.render();
    });
    this.render();
  }

  /** The lowest raise over the standing bid (the opening bid: one of your most common face). */
  private suggestion(v: LiarsDiceView): BidValue {
    const cur = v.currentBid;
    if (cur) return cur.face < FACES ? { quantity: cur.quantity, face: cur.face + 1 } : { quantity: cur.quantity + 1, face: cur.face };
    const mine = v.myDice ?? [];
    const face = [2, 3, 4, 5, 6, 1].reduce((best, f) => (mine.filter((d) => d === f).length > mine.filter((d) => d === best).length ? f : best), 2);
    return { quantity: 1, face };
  }

  private renderPlayers(): void {
    const room = this.client.room;
    const v = this.view();
    if (room) renderPlayers(byId("players"), room, { mySeat: this.me(), symbol: (s) => `${v?.players[s]?.dice ?? ""}`, serverNow: this.client.serverNow() });
  }

  private render(): void {
    const room = this.client.room;
    const v = this.view();
    const me = this.me();
    if (room) this.fairness.observeRoom(room);
    const playing = room?.status === "playing" && v !== null && !v.over;
    const myTurn = playing && me !== null && v?.turn === me;
    const turn = byId("turn");
    let text = "Joining the table…";
    if (room?.status === "waiting") text = `Waiting for players: ${room.seats.filter((s) => s.claimed).length} of ${room.seats.length} seated.`;
    else if (room?.status === "finished" || room?.status === "closed") text = this.resultText();
    else if (playing && v) text = myTurn ? (v.currentBid ? "Your turn: raise the bid or call liar." : "Your turn: open the bidding.") : `${upper(this.who(v.turn ?? 0))} to bid.`;
    setText(turn, text);
    turn.dataset["state"] = !room ? "joining" : room.status === "finished" ? `over-${room.result?.reason ?? ""}` : myTurn ? "your-turn" : room.status;
    document.title = `${myTurn ? "Your turn · " : ""}Liar's Dice · Edgeroom`;
    this.renderPlayers();
    if (v) this.renderTable(v);
    const controls = byId<HTMLFormElement>("ld-controls");
    show(controls, playing && me !== null && v?.myDice !== null && (v?.myDice.length ?? 0) > 0);
    for (const el of controls.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>("button, input, select")) el.disabled = !myTurn || this.pending;
    byId<HTMLButtonElement>("ld-liar").disabled ||= !v?.currentBid;
    if (v && myTurn) this.fill(v);
    const open = room?.status === "waiting" && room.seats.some((s) => !s.claimed);
    const share = byId("share-host");
    if (open && !share.firstChild) share.replaceChildren(shareLink(this.ctx.shareUrl, "Send this link to the other players"));
    show(share, open);
    const finished = room?.status === "finished";
    const rematch = byId<HTMLButtonElement>("rematch");
    show(rematch, finished && me !== null);
    rematch.disabled = finished && me !== null && room?.seats[me]?.rematch === true;
    show(byId("fairness"), finished);
    if (finished && room) renderFairness(byId("fairness"), this.fairness.verdict(room.round), true);
  }

  private fill(v: LiarsDiceView): void {
    const key = `${v.hand}:${v.bids.length}`;
    if (key === this.filledFor) return;
    this.filledFor = key;
    const s = this.suggestion(v);
    const q = byId<HTMLInputElement>("ld-quantity");
    q.value = String(s.quantity);
    q.max = String(v.totalDice);
    byId<HTMLSelectElement>("ld-face").value = String(s.face);
  }

  private renderTable(v: LiarsDiceView): void {
    setText(byId("ld-hand"), v.over ? `Final hand: ${v.hand}.` : `Hand ${v.hand}: ${v.totalDice} dice on the table.`);
    const mine = byId("ld-my-dice");
    const key = JSON.stringify(v.myDice);
    if (mine.dataset["shown"] !== key) {
      mine.dataset["shown"] = key;
      if (v.myDice === null) mine.replaceChildren(h("p", { class: "hint" }, "You are watching: the dice stay under the cups until someone calls liar."));
      else mine.replaceChildren(...(v.myDice.length > 0 ? v.myDice.map(die) : [h("p", { class: "hint" }, v.over ? "The match is over." : "You are out of dice.")]));
    }
    byId("ld-counts").replaceChildren(
      ...v.players.map((p) => h("li", { "data-seat": p.seat, "data-out": String(p.out) }, `${upper(this.who(p.seat))}: ${p.out ? "out" : `${p.dice} ${p.dice === 1 ? "die" : "dice"}`}`)),
    );
    const cur: LdBid | null = v.currentBid;
    setText(byId("ld-current-bid"), cur ? `Standing bid: ${bidWords(cur)} by ${this.who(cur.seat)}.` : v.over ? "" : "No bid yet this hand.");
    byId("ld-bids").replaceChildren(...v.bids.map((b) => h("li", {}, `${upper(this.who(b.seat))}: ${bidWords(b)}`)));
    const r = v.lastReveal;
    show(byId("ld-reveal"), r !== null);
    if (!r) return;
    const count = `there ${r.count === 1 ? "was" : "were"} ${r.count}`;
    setText(byId("ld-reveal-text"), `Hand ${r.hand}: ${upper(this.who(r.challenger))} called liar on ${this.who(r.bidder)}'s ${bidWords(r)}: ${count}. ${upper(this.who(r.loser))} lost a die${r.loserOut ? " and left the table" : ""}.`);
    byId("ld-reveal-dice").replaceChildren(
      ...r.dice.map((d, seat) => h("li", { class: "reveal-row", "data-seat": seat }, `${upper(this.who(seat))}: `, h("span", { class: "dice" }, ...d.map(die)))),
    );
  }

  private resultText(): string {
    const res = this.client.room?.result;
    if (!res) return "This table is closed.";
    const why = res.reason === "win" ? "" : ` (${res.reason})`;
    if (res.winner === null) return `The match ended without a winner${why}.`;
    return res.winner === this.me() ? `You won: the last player with dice${why}!` : `${upper(this.who(res.winner))} won${why}.`;
  }
}

function mount(root: HTMLElement, ctx: PlayContext): void {
  document.head.append(h("style", {}, STYLE));
  root.innerHTML = MARKUP;
  const client = joinMatch<typeof liarsDice>({ baseUrl: location.origin, matchId: ctx.matchId, role: ctx.role, getToken: tokenProvider(), store: localStorageStore() });
  new Table(client, ctx);
}

export default defineGamePage({ title: "Liar's Dice", lobby, mount });
