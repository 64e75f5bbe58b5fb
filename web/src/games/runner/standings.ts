/** Live standings during a race and the results table after it, in words (shape symbols are decoration). */
import type { RunnerFrame } from "../../../../src/games/runner/quantize";
import type { RoomSnapshot } from "../../../../src/protocol/schemas";
import { h } from "../../dom";
import { runnerSymbol, units } from "./seats";

function name(room: RoomSnapshot, seat: number, mySeat: number | null): string {
  const n = room.seats[seat]?.name || `Runner ${seat + 1}`;
  return seat === mySeat ? `${n} (you)` : n;
}

/** Standing runners first, then by distance; the server's tie-break decides the final order. */
export function liveOrder(frame: RunnerFrame): number[] {
  return frame.players
    .map((p, seat) => ({ p, seat }))
    .sort((a, b) => Number(b.p.standing) - Number(a.p.standing) || b.p.x - a.p.x || a.seat - b.seat)
    .map((e) => e.seat);
}

export function renderStandings(host: HTMLElement, room: RoomSnapshot, frame: RunnerFrame | null, mySeat: number | null): void {
  if (!frame) {
    host.replaceChildren(...room.seats.map((s) => h("li", {}, `${runnerSymbol(s.seat)} ${s.claimed ? name(room, s.seat, mySeat) : "open seat"}`)));
    return;
  }
  const items = liveOrder(frame).map((seat) => {
    const p = frame.players[seat];
    const state = !p ? "" : p.standing ? "running" : "knocked out";
    return h(
      "li",
      { "data-seat": seat, "data-standing": String(p?.standing ?? false) },
      h("span", { class: `symbol seat-${seat}`, "aria-hidden": "true" }, runnerSymbol(seat)),
      ` ${name(room, seat, mySeat)}: ${units(p?.x ?? 0)} units, ${state}`,
    );
  });
  host.replaceChildren(...items);
}

const END_WORDS: Record<string, string> = {
  lastStanding: "the last runner standing won",
  allOut: "every runner was knocked out",
  timeout: "time ran out",
};

export function resultSummary(room: RoomSnapshot, mySeat: number | null): string {
  const r = room.result;
  if (!r) return "The race is over.";
  const detail = r.detail ?? {};
  const end = typeof detail["end"] === "string" ? (END_WORDS[detail["end"]] ?? detail["end"]) : "";
  if (r.reason !== "win") return `The race ended: ${r.reason}.`;
  const winner = r.winner;
  const who = winner === null ? "Nobody" : winner === mySeat ? "You" : name(room, winner, mySeat);
  const solo = room.seats.length === 1;
  if (solo && winner !== null) {
    const distances = Array.isArray(detail["distances"]) ? detail["distances"] : [];
    const d = distances[winner];
    return `Solo run over: ${typeof d === "number" ? `${units(d)} units` : ""}${end ? ` (${end})` : ""}.`;
  }
  if (detail["end"] === "allOut") return `Every runner was knocked out; ${who === "You" ? "you rank" : `${who} ranks`} first on the tie-break.`;
  return `${who} won${end ? `: ${end}` : ""}.`;
}

export function renderResults(host: HTMLElement, room: RoomSnapshot, mySeat: number | null): void {
  const r = room.result;
  const detail = r?.detail ?? {};
  const ranking = r?.ranking ?? room.seats.map((s) => s.seat);
  const distances = Array.isArray(detail["distances"]) ? detail["distances"] : [];
  const inputs = Array.isArray(detail["inputs"]) ? detail["inputs"] : [];
  const rows = ranking.map((seat) => {
    const d = distances[seat];
    const n = inputs[seat];
    return h(
      "li",
      { "data-seat": seat },
      h("span", { class: `symbol seat-${seat}`, "aria-hidden": "true" }, runnerSymbol(seat)),
      ` ${name(room, seat, mySeat)}: ${typeof d === "number" ? units(d) : "?"} units${typeof n === "number" ? `, ${n} input${n === 1 ? "" : "s"}` : ""}`,
    );
  });
  host.replaceChildren(...rows);
  const tieBreak = typeof detail["tieBreak"] === "string" ? detail["tieBreak"] : null;
  if (tieBreak) host.append(h("li", { class: "tie-break" }, `Order: ${tieBreak}.`));
}
