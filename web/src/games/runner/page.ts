/**
 * The runner page: a canvas race with keyboard and touch controls, the
 * player's own jumps predicted locally, the other runners interpolated
 * between snapshots, a countdown, live standings, and the results with the
 * fairness check (the commitment published at the start against the seed and
 * salt revealed at the end).
 *
 * The race itself is modelled with the SDK's real-time helpers (race-model.ts),
 * fed by the client's `snap` events; update views fill in until the first one.
 */
import { joinMatch, type AppliedUpdate, type GameClient, type GameEvent, type InputOutcome } from "../../../../src/client/internal";
import { bodyDucking } from "../../../../src/games/runner/client";
import { COUNTDOWN_TICKS, HIGH_WIDTH, LOW_WIDTH, PLAYER_WIDTH, TICK_HZ } from "../../../../src/games/runner/constants";
import type { runner } from "../../../../src/games/runner";
import type { RunnerInput } from "../../../../src/games/runner/schema";
import { mountConnectionIndicator, type Indicator } from "../../connection-indicator";
import { byId, setText, show } from "../../dom";
import { FairnessTracker, renderFairness } from "../../fairness";
import type { PlayContext } from "../../game-page";
import { tokenProvider } from "../../identity";
import { RaceModel } from "./race-model";
import { mountControls } from "./controls";
import { drawScene, type LaneScene } from "./renderer";
import { units } from "./seats";
import { renderResults, renderStandings, resultSummary } from "./standings";
import { RUNNER_MARKUP } from "./markup";
import { maxTicksOfView } from "./view";
import { shareLink } from "../../share-link";

/** "Go!" stays up this long after the start. */
const GO_TICKS = 45;

/** Join the race and run the page in `root`. */
export function mountRunner(root: HTMLElement, ctx: PlayContext): void {
  root.innerHTML = RUNNER_MARKUP;
  new RunnerPage(ctx);
}

class RunnerPage {
  private readonly client: GameClient<typeof runner>;
  private readonly race: RaceModel;
  private readonly indicator: Indicator;
  private readonly fairness: FairnessTracker;
  private readonly canvas = byId<HTMLCanvasElement>("track");
  private shareShown = false;
  private duckHeld = false;

  constructor(private readonly ctx: PlayContext) {
    // The model needs the client's clock; the client needs the model's snapshot sink: tie them through closures.
    let client: GameClient<typeof runner> | null = null;
    this.race = new RaceModel(
      () => client?.serverNow() ?? Date.now(),
      () => client?.rtt ?? null,
    );
    client = joinMatch<typeof runner>({ baseUrl: location.origin, matchId: ctx.matchId, role: ctx.role, getToken: tokenProvider() });
    this.client = client;
    show(byId("game"), true);
    this.indicator = mountConnectionIndicator(ctx.connection, client, "input");
    this.fairness = new FairnessTracker(ctx.matchId, () => this.renderPanels());
    // Each connection's snapshot stream starts over with a keyframe after its welcome.
    client.on("welcome", () => {
      this.race.newConnection();
      this.onRoom();
    });
    client.on("snap", (f) => this.race.onSnap(f));
    client.on("update", (u) => this.onUpdate(u));
    client.on("state", () => this.renderPanels());
    mountControls(byId<HTMLButtonElement>("jump"), byId<HTMLButtonElement>("duck"), {
      jump: () => this.jump(),
      duck: (held) => this.duck(held),
      active: () => client?.room?.status === "playing",
    });
    byId("rematch").addEventListener("click", () => {
      void this.client.rematch().then((o) => this.refused(o));
      this.renderPanels();
    });
    setInterval(() => this.renderPanels(), 250);
    const frame = () => {
      this.draw();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  private mySeat(): number | null {
    return this.client.welcome?.you.seat ?? null;
  }

  private message(text: string): void {
    setText(byId("message"), text);
  }

  // ------------------------------------------------------------ incoming state

  private onRoom(): void {
    const room = this.client.room;
    if (!room) return;
    this.fairness.observeRoom(room);
    this.race.onView(room.view);
    this.race.setSeat(this.mySeat(), maxTicksOfView(room.view));
    this.renderPanels();
  }

  private onUpdate(u: AppliedUpdate): void {
    const room = this.client.room;
    this.fairness.observeEvents(u.events, room?.round ?? 0);
    for (const e of u.events) this.onEvent(e, u.source === "replay");
    if (u.room) this.onRoom();
  }

  private onEvent(e: GameEvent, replayed: boolean): void {
    const room = this.client.room;
    const me = this.mySeat();
    const seat = typeof e["seat"] === "number" ? e["seat"] : null;
    const who = seat === null ? "" : seat === me ? "You" : room?.seats[seat]?.name || `Runner ${seat + 1}`;
    switch (e.type) {
      case "matchStarted":
        if (!replayed) this.race.newRound();
        this.message(typeof e["round"] === "number" && e["round"] > 1 ? `Round ${e["round"]}: get ready.` : "Get ready!");
        return;
      case "raceStarted":
        if (!replayed) this.message("Go!");
        return;
      case "raceHeld":
        // The server restarted: the race waits at the last saved moment until every runner is back.
        this.message("The server restarted: the race is paused until every runner is back.");
        return;
      case "raceResuming":
        this.message("Everyone is back: the race resumes in 2 seconds.");
        return;
      case "knockedOut": {
        const d = typeof e["distance"] === "number" ? ` at ${units(e["distance"])} units` : "";
        const how = e["cause"] === "forfeit" ? "left the race" : seat === me ? "were knocked out" : "was knocked out";
        this.message(`${who} ${how}${d}.`);
        return;
      }
      case "playerJoined":
        if (seat !== me) this.message(`${who} joined.`);
        return;
      case "playerDisconnected":
        if (seat !== me) this.message(`${who} lost the connection.`);
        return;
      case "playerReconnected":
        if (seat !== me) this.message(`${who} is back.`);
        return;
      case "rematchRequested":
        this.message(seat === me ? "You asked to race again. Waiting for the others." : `${who} wants to race again.`);
        return;
    }
  }

  private racing(): boolean {
    const t = this.race.serverTick();
    return this.client.room?.status === "playing" && t !== null && t >= COUNTDOWN_TICKS && this.race.latest()?.phase !== "over";
  }

  // ------------------------------------------------------------ inputs

  private jump(): void {
    if (this.mySeat() === null) return;
    if (!this.racing()) {
      if (this.client.room?.status === "playing") this.message("Wait for Go!");
      return;
    }
    const body = this.race.own();
    const tick = this.race.inputTick();
    // Only from the ground with duck released (anything else is ignored by the rules and would count as an input).
    if (!body?.standing || body.y !== 0 || body.duck || tick === null) return;
    this.send({ tick, jump: true });
  }

  private duck(held: boolean): void {
    const body = this.race.own();
    const tick = this.race.inputTick();
    if (this.mySeat() === null || tick === null || !this.racing() || !body?.standing || held === this.duckHeld) return;
    this.duckHeld = held;
    this.send({ tick, duck: held });
  }

  private send(input: RunnerInput): void {
    const key = this.race.applyLocal(input);
    void this.client.send(input).then((o) => {
      this.race.settled(key, o.id, o.ok);
      this.refused(o);
    });
    this.indicator.refresh();
  }

  private refused(o: InputOutcome): void {
    this.indicator.refresh();
    if (o.ok) return;
    if (o.code === "INPUT_TOO_LATE") this.message("An input reached the server too late and was ignored.");
    else if (o.code !== "MATCH_OVER" && o.code !== "KNOCKED_OUT") this.message(o.message);
  }

  // ------------------------------------------------------------ drawing

  private draw(): void {
    const room = this.client.room;
    if (!room) return;
    const me = this.mySeat();
    const server = this.race.serverTick();
    const latest = this.race.latest();
    const remote = this.race.remote();
    const own = this.race.own();
    const lanes: LaneScene[] = room.seats.map((s) => {
      const name = s.claimed ? s.name || `Runner ${s.seat + 1}` : "open seat";
      if (s.seat === me && own) {
        return { seat: s.seat, name, you: true, x: own.x, y: own.y, standing: own.standing, ducking: bodyDucking(own), obstacles: latest?.obstacles ?? [] };
      }
      const p = remote?.players[s.seat];
      return {
        seat: s.seat,
        name,
        you: s.seat === me,
        x: p?.x ?? 0,
        y: p?.y ?? 0,
        standing: p?.standing ?? true,
        ducking: p?.ducking ?? false,
        obstacles: remote?.obstacles ?? [],
      };
    });
    let countdown: string | null = null;
    if (room.status === "playing" && server !== null) {
      if (server < COUNTDOWN_TICKS) countdown = String(Math.max(1, Math.ceil((COUNTDOWN_TICKS - server) / TICK_HZ)));
      else if (server < COUNTDOWN_TICKS + GO_TICKS) countdown = "Go!";
    }
    const banner = room.status === "waiting" ? "Waiting for runners…" : room.status === "finished" ? "Race over" : room.status === "closed" ? "Closed" : null;
    drawScene(this.canvas, { lanes, countdown, banner });
  }

  // ------------------------------------------------------------ text panels (a few times a second)

  private renderPanels(): void {
    const room = this.client.room;
    if (!room) return;
    const me = this.mySeat();
    const server = this.race.serverTick();
    const latest = this.race.latest();
    const phase = byId("phase");
    let text: string;
    if (room.status === "waiting") {
      const joined = room.seats.filter((s) => s.claimed).length;
      text = `Waiting for runners: ${joined} of ${room.seats.length} joined. The race starts when every seat is taken, or shortly after the first runner joined.`;
    } else if (room.status === "playing") {
      if (server === null || server < COUNTDOWN_TICKS) text = `Get ready: the race starts in ${server === null ? 3 : Math.max(1, Math.ceil((COUNTDOWN_TICKS - server) / TICK_HZ))}.`;
      else if (me !== null && latest?.players[me] && !latest.players[me]?.standing) text = "You were knocked out. The others race on.";
      else text = "Racing! Jump with Space or ↑, hold ↓ to duck.";
    } else if (room.status === "finished") {
      text = `Race over. ${resultSummary(room, me)}`;
    } else {
      text = "This race is closed.";
    }
    setText(phase, text);
    phase.dataset["phase"] = room.status === "playing" ? (server !== null && server >= COUNTDOWN_TICKS ? "racing" : "countdown") : room.status;

    renderStandings(byId("standings"), room, latest, me);
    setText(byId("next-obstacle"), this.nextObstacle());

    const open = room.status === "waiting" && room.seats.some((s) => !s.claimed);
    if (open && !this.shareShown) {
      byId("share-host").replaceChildren(shareLink(this.ctx.shareUrl, "Send this link to the other runners"));
      this.shareShown = true;
    }
    show(byId("share-host"), open);

    const finished = room.status === "finished";
    show(byId("results"), finished);
    if (finished) {
      setText(byId("results-summary"), resultSummary(room, me));
      renderResults(byId("results-list"), room, me);
    }
    const rematch = byId<HTMLButtonElement>("rematch");
    const asked = me !== null && room.seats[me]?.rematch === true;
    rematch.disabled = asked;
    setText(rematch, asked ? "Waiting for the others…" : "Race again");
    show(byId("controls"), room.status === "playing" && me !== null);
    renderFairness(byId("fairness"), this.fairness.verdict(room.round), finished);
  }

  /** The next obstacle ahead of the player, in words (a cue that needs neither colour nor the canvas). */
  private nextObstacle(): string {
    const own = this.race.own();
    if (!own?.standing || !this.racing()) return "";
    const ahead = (this.race.latest()?.obstacles ?? []).find((o) => o.x + (o.kind === "low" ? LOW_WIDTH : HIGH_WIDTH) > own.x);
    if (!ahead) return "No obstacle in sight.";
    const gap = Math.max(0, ahead.x - (own.x + PLAYER_WIDTH));
    return `Next: ${ahead.kind === "low" ? "low obstacle, jump" : "high obstacle, duck"} in ${units(gap)} units.`;
  }
}

