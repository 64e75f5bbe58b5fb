/**
 * The Connect Four match page: joins the match, renders the room from
 * the SDK's snapshots, and turns clicks and keys into dropDisc inputs.
 * Inputs made while the connection is down stay in the SDK's outbox (kept in
 * localStorage) and are sent once it is back; the indicator says so.
 */
import { joinMatch, localStorageStore, type AppliedUpdate, type GameClient, type GameEvent, type InputOutcome } from "../../../../src/client/internal";
import type { connectFour } from "../../../../src/games/connect-four";
import { Board } from "./board";
import { errorText, turnText } from "./status";
import { c4View, discOf, seatName } from "./view";
import { mountConnectionIndicator, type Indicator } from "../../connection-indicator";
import { byId, setText, show } from "../../dom";
import { FairnessTracker, renderFairness } from "../../fairness";
import type { PlayContext } from "../../game-page";
import { tokenProvider } from "../../identity";
import { renderPlayers } from "../../players-list";
import { shareLink } from "../../share-link";
import { mountTurnClock } from "../../turn-clock";

/** The match page's markup: ids the page (and the browser tests) address. Static: no data goes in here. */
const MARKUP = `
  <div id="game" class="c4" hidden>
    <ul id="players" class="players" aria-label="Players"></ul>
    <div class="turn-line">
      <p id="turn" class="turn" role="status" aria-live="polite"></p>
      <p id="clock" class="clock"></p>
    </div>
    <div id="board-host" class="board-host"></div>
    <p id="message" class="message" role="status" aria-live="polite"></p>
    <p id="alert" class="sr-only" role="alert"></p>
    <div id="share-host" hidden></div>
    <div class="actions">
      <button id="rematch" type="button" class="primary" hidden>Rematch</button>
      <button id="resign" type="button" hidden>Resign</button>
      <a class="button" href="/">Lobby</a>
    </div>
    <section id="fairness" class="fairness card" hidden aria-label="Fairness check"><h3>Fairness check</h3></section>
    <p class="hint keys">Keys: ← → choose a column, Enter or Space drops a disc, 1–7 drop directly.</p>
  </div>`;

/** Join the match and run the page in `root`. */
export function mountConnectFour(root: HTMLElement, ctx: PlayContext): void {
  root.innerHTML = MARKUP;
  const client = joinMatch<typeof connectFour>({ baseUrl: location.origin, matchId: ctx.matchId, role: ctx.role, getToken: tokenProvider(), store: localStorageStore() });
  new ConnectFourPage(client, ctx);
}

class ConnectFourPage {
  private readonly board: Board;
  private readonly indicator: Indicator;
  private readonly fairness: FairnessTracker;
  /** The column of a move sent (or queued) and not settled yet. */
  private pendingColumn: number | null = null;
  private resignArmed = false;
  private shareShown = false;

  constructor(
    private readonly client: GameClient<typeof connectFour>,
    private readonly ctx: PlayContext,
  ) {
    show(byId("game"), true);
    this.indicator = mountConnectionIndicator(ctx.connection, client, "move");
    this.board = new Board(byId("board-host"), (c) => this.drop(c));
    this.fairness = new FairnessTracker(ctx.matchId, () => this.render());
    mountTurnClock(byId("clock"), byId("alert"), client, () => this.mySeat());
    client.on("welcome", () => this.render());
    client.on("update", (u) => this.onUpdate(u));
    client.on("state", () => this.render());
    byId("rematch").addEventListener("click", () => this.rematch());
    byId("resign").addEventListener("click", () => this.resign());
    // Grace countdowns in the player list.
    setInterval(() => this.renderPlayers(), 1000);
    this.render();
  }

  private mySeat(): number | null {
    return this.client.welcome?.you.seat ?? null;
  }

  private message(text: string): void {
    setText(byId("message"), text);
  }

  private onUpdate(u: AppliedUpdate): void {
    const room = this.client.room;
    this.fairness.observeEvents(u.events, room?.round ?? 0);
    const away = u.source === "replay" ? "While you were away: " : "";
    for (const e of u.events) {
      const text = this.describe(e);
      if (text) this.message(away + text);
    }
    this.render();
  }

  /** Words for what another player (or the AI) did; null for our own moves and silent events. */
  private describe(e: GameEvent): string | null {
    const room = this.client.room;
    const seats = room?.seats ?? [];
    const me = this.mySeat();
    const seat = typeof e["seat"] === "number" ? e["seat"] : null;
    const who = seatName(seats, seat, me);
    const Who = who.charAt(0).toUpperCase() + who.slice(1);
    const column = typeof e["column"] === "number" ? e["column"] : null;
    switch (e.type) {
      case "aiMove":
        return `${Who} (${discOf(seat ?? 1)}) dropped a disc in column ${(column ?? 0) + 1}.`;
      case "playerMove":
        return seat === me ? null : `${Who} (${discOf(seat ?? 0)}) dropped a disc in column ${(column ?? 0) + 1}.`;
      case "playerJoined":
        return seat === me ? null : `${Who} joined.`;
      case "playerDisconnected":
        return seat === me ? null : `${Who} lost the connection${typeof e["graceUntil"] === "number" ? " and has a little time to come back" : ""}.`;
      case "playerReconnected":
        return seat === me ? null : `${Who} is back.`;
      case "rematchRequested":
        return seat === me ? "Rematch requested. Waiting for the other player." : `${Who} wants a rematch.`;
      case "matchStarted":
        return typeof e["round"] === "number" && e["round"] > 1 ? `New round: ${seatName(seats, typeof e["firstSeat"] === "number" ? e["firstSeat"] : null, me)} ${typeof e["firstSeat"] === "number" && e["firstSeat"] === me ? "move" : "moves"} first.` : "The match has started.";
      case "gameOver":
        return "";
      default:
        return null;
    }
  }

  private drop(column: number): void {
    const room = this.client.room;
    const me = this.mySeat();
    if (!room) return this.message("Still joining the match…");
    if (me === null) return this.message("You are watching this match.");
    if (room.status === "waiting") return this.message("The match starts when your opponent joins.");
    if (room.status !== "playing") return this.message("The match is over. Press Rematch to play again.");
    if (room.turn !== me) return this.message(`It is ${seatName(room.seats, room.turn, me)}'s turn.`);
    if (this.pendingColumn !== null) return this.message(`Your move in column ${this.pendingColumn + 1} is already on its way.`);
    this.pendingColumn = column;
    const connected = this.client.state.status === "open";
    this.message(connected ? "" : `Your move in column ${column + 1} is queued: it will be sent when the connection is back.`);
    void this.client.send({ type: "dropDisc", column }).then((outcome) => this.settled(outcome));
    this.indicator.refresh();
    this.render();
  }

  private settled(outcome: InputOutcome): void {
    this.pendingColumn = null;
    if (!outcome.ok) this.message(errorText(outcome.code, outcome.message));
    else if (byId("message").textContent?.includes("queued")) this.message("Your queued move was sent.");
    this.indicator.refresh();
    this.render();
  }

  private rematch(): void {
    void this.client.rematch().then((o) => {
      if (!o.ok) this.message(errorText(o.code, o.message));
      this.render();
    });
    this.render();
  }

  private resign(): void {
    const button = byId<HTMLButtonElement>("resign");
    if (!this.resignArmed) {
      this.resignArmed = true;
      button.textContent = "Confirm: resign";
      this.message("Press again to resign this round.");
      return;
    }
    this.resignArmed = false;
    button.textContent = "Resign";
    void this.client.resign().then((o) => {
      if (!o.ok) this.message(errorText(o.code, o.message));
    });
  }

  private renderPlayers(): void {
    const room = this.client.room;
    if (room) renderPlayers(byId("players"), room, { mySeat: this.mySeat(), symbol: discOf, serverNow: this.client.serverNow() });
  }

  private render(): void {
    const room = this.client.room;
    const me = this.mySeat();
    const view = c4View(room);
    if (room) this.fairness.observeRoom(room);
    const playing = room?.status === "playing";
    const myTurn = playing && me !== null && room?.turn === me;
    // The AI's latest move stays marked until the next disc (also right after a reload).
    const last = view?.lastMove ?? null;
    const aiMove: readonly [number, number] | null = last && room?.seats[last.seat]?.kind === "ai" ? [last.column, last.row] : null;
    this.board.render({
      view,
      mySeat: me,
      canPlay: myTurn && this.pendingColumn === null,
      aiMove,
      names: (room?.seats ?? []).map((s) => s.name),
      pendingColumn: this.pendingColumn,
    });
    const turn = turnText(room, me);
    setText(byId("turn"), turn);
    byId("turn").dataset["state"] = !room ? "joining" : room.status === "finished" ? `over-${room.result?.reason ?? ""}` : myTurn ? "your-turn" : room.status;
    document.title = `${myTurn ? "Your turn · " : room?.status === "finished" ? "Game over · " : ""}Connect Four · Edgeroom`;
    this.renderPlayers();

    // Share link while an opponent seat is open.
    const open = room?.mode === "pvp" && room.status === "waiting" && room.seats.some((s) => !s.claimed);
    if (open && !this.shareShown) {
      byId("share-host").replaceChildren(shareLink(this.ctx.shareUrl, "Send this link to your opponent"));
      this.shareShown = true;
    }
    show(byId("share-host"), open);

    const finished = room?.status === "finished";
    const rematch = byId<HTMLButtonElement>("rematch");
    show(rematch, finished && me !== null);
    const asked = finished && me !== null && room?.seats[me]?.rematch === true;
    rematch.disabled = asked;
    setText(rematch, asked ? "Rematch requested" : "Rematch");
    const resign = byId<HTMLButtonElement>("resign");
    show(resign, playing && me !== null);
    if (!playing) {
      this.resignArmed = false;
      setText(resign, "Resign");
    }

    const fair = byId("fairness");
    show(fair, finished);
    if (finished && room) renderFairness(fair, this.fairness.verdict(room.round), true);
  }
}

