/**
 * The turn clock: seconds left until room.turnDeadline, on the server's clock
 * (client.serverNow()), refreshed a few times a second. Not an aria-live
 * region: the turn change itself is announced elsewhere; a screen-reader
 * user reads the clock on demand. A single warning is announced at 10 s.
 */
import type { GameClient } from "../../src/client/internal";
import { setText } from "./dom";

const WARN_AT_MS = 10_000;

export function mountTurnClock(el: HTMLElement, warn: HTMLElement, client: GameClient<unknown>, mySeat: () => number | null): void {
  let warnedFor: number | null = null;
  const tick = () => {
    const room = client.room;
    const deadline = room?.status === "playing" ? room.turnDeadline : null;
    if (deadline === null || deadline === undefined || room === null) {
      setText(el, room?.status === "playing" && room.turn !== null ? "No turn clock" : "");
      el.dataset["urgent"] = "false";
      return;
    }
    const left = Math.max(0, deadline - client.serverNow());
    const seconds = Math.ceil(left / 1000);
    const mine = room.turn === mySeat();
    setText(el, `${mine ? "You have" : "They have"} ${seconds} s left`);
    el.dataset["urgent"] = String(left <= WARN_AT_MS);
    if (mine && left <= WARN_AT_MS && left > 0 && warnedFor !== deadline) {
      warnedFor = deadline;
      setText(warn, "10 seconds left for your move.");
    }
  };
  setInterval(tick, 250);
  client.on("update", tick);
  client.on("welcome", tick);
  tick();
}
