/**
 * The runner on Colyseus, written the way Colyseus's documentation recommends:
 * a Room with a Schema state (state.ts) that Colyseus patches to every client
 * at `patchRate` (50 ms, 20 Hz), a fixed-tickrate simulation driven by
 * `setSimulationInterval` at 60 Hz (the docs' accumulator pattern: run as many
 * fixed steps as the elapsed time owes), and `onMessage` handlers for inputs.
 * Each applied input is acknowledged with an `ack` message carrying its id,
 * sent when the step that applies it runs (Edgeroom acknowledges at the same
 * point: when the input has been applied).
 *
 * The simulation is the shared one (../match.ts over src/games/runner): same
 * rules, same input windows, same seeds.
 */
import { Room, type Client } from "@colyseus/core";
import { FixedClock, PeerMatch, SEATS, TICK_MS, type WireInput } from "../match";
import { createRoomState, mirrorState, type RunnerRoomState } from "./state";

export interface RunnerRoomOptions {
  readonly seed: number;
  readonly durationSeconds: number;
}

interface Seated {
  readonly seat: number;
}

export class RunnerRoom extends Room<RunnerRoomState, unknown, Seated> {
  override maxClients = SEATS;
  /** Colyseus's default, stated: one state patch every 50 ms. */
  override patchRate = 50;
  private match: PeerMatch | null = null;
  private options: RunnerRoomOptions = { seed: 1, durationSeconds: 90 };
  private readonly seats: (Client<Seated> | null)[] = new Array<Client<Seated> | null>(SEATS).fill(null);

  override onCreate(options: Partial<RunnerRoomOptions>): void {
    this.options = { seed: Number(options.seed ?? 1) >>> 0, durationSeconds: Number(options.durationSeconds ?? 90) };
    this.setState(createRoomState(SEATS));
    this.onMessage("input", (client: Client<Seated>, message: WireInput) => this.onInput(client, message));
  }

  override onJoin(client: Client<Seated>): void {
    const seat = this.seats.indexOf(null);
    this.seats[seat] = client;
    client.userData = { seat };
    client.send("seat", seat);
    // The match starts when the fourth player is in (Edgeroom starts a full 4-seat match the same way).
    if (this.seats.every((c) => c !== null) && this.match === null) this.startMatch();
  }

  override onLeave(client: Client<Seated>): void {
    const seat = client.userData?.seat;
    if (seat === undefined) return;
    this.seats[seat] = null;
    this.match?.forfeit(seat);
  }

  private startMatch(): void {
    const match = new PeerMatch(this.options);
    this.match = match;
    const clock = new FixedClock(performance.now());
    mirrorState(match.state, this.state);
    this.setSimulationInterval(() => {
      const owed = clock.owed(performance.now());
      for (let i = 0; i < owed.steps; i++) {
        const out = match.stepOnce();
        for (const a of out.applied) this.seats[a.seat]?.send("ack", a.id);
        if (out.ended) break;
      }
      mirrorState(match.state, this.state);
      if (match.over) this.setSimulationInterval(undefined);
    }, TICK_MS);
  }

  private onInput(client: Client<Seated>, message: WireInput): void {
    const seat = client.userData?.seat;
    if (seat === undefined || this.match === null) return;
    const admission = this.match.admit(seat, message);
    if (admission.ok && admission.dup) client.send("ack", message.id);
    else if (!admission.ok) client.send("reject", { id: message.id, code: admission.code });
  }
}
