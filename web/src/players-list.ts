/** The seats of a match as a list: symbol, name, who is you, AI or human, connected or away (with the grace deadline). */
import type { RoomSnapshot } from "../../src/protocol/schemas";
import { h } from "./dom";

export interface PlayersOptions {
  readonly mySeat: number | null;
  /** The symbol shown for a seat (the game's own marks, e.g. discs or shapes). */
  readonly symbol: (seat: number) => string;
  /** Server time now, for "back within N s". */
  readonly serverNow: number;
}

export function renderPlayers(host: HTMLElement, room: RoomSnapshot, o: PlayersOptions): void {
  const items = room.seats.map((s) => {
    const toMove = room.status === "playing" && room.turn === s.seat;
    const status = !s.claimed
      ? "not joined yet"
      : s.kind === "ai"
        ? "computer"
        : s.connected
          ? "connected"
          : s.graceUntil !== null
            ? `away, must be back within ${Math.max(0, Math.ceil((s.graceUntil - o.serverNow) / 1000))} s`
            : "away";
    const name = s.claimed ? s.name || `Seat ${s.seat + 1}` : "Open seat";
    return h(
      "li",
      { class: `player${toMove ? " to-move" : ""}`, "data-seat": s.seat, "data-connected": String(s.connected) },
      h("span", { class: "turn-marker", "aria-hidden": "true" }, toMove ? "▶" : ""),
      h("span", { class: `symbol seat-${s.seat}`, "aria-hidden": "true" }, o.symbol(s.seat)),
      h("span", { class: "name" }, name, s.seat === o.mySeat ? " (you)" : ""),
      h("span", { class: "status" }, `${toMove ? "to move · " : ""}${status}${s.rematch && room.status === "finished" ? " · wants a rematch" : ""}`),
    );
  });
  host.replaceChildren(...items);
}
