/** The Connect Four view as the page reads it, and its symbols: readable without colour. */
import type { RoomOf } from "../../../../src/client/internal";
import type { C4View, connectFour } from "../../../../src/games/connect-four";
import type { SeatInfo } from "../../../../src/protocol/schemas";

export type { C4View };
/** A room of a Connect Four match, as the SDK typed by the game hands it over. */
export type C4Room = RoomOf<typeof connectFour>;

export const COLUMNS = 7;
export const ROWS = 6;

/** Disc symbols per seat: filled and hollow, so the two are told apart without colour. */
export const DISC = ["●", "○"] as const;
export const DISC_WORD = ["filled", "hollow"] as const;

/** The room's Connect Four view, or null (before the first round). */
export function c4View(room: C4Room | null): C4View | null {
  return room?.view ?? null;
}

export function discOf(seat: number): string {
  return DISC[seat] ?? "?";
}

/** "Ada (●)" or "seat 2". */
export function seatLabel(seats: readonly SeatInfo[], seat: number, mySeat: number | null): string {
  if (seat === mySeat) return `You (${discOf(seat)})`;
  const name = seats[seat]?.name;
  return `${name ? name : `Seat ${seat + 1}`} (${discOf(seat)})`;
}

export function seatName(seats: readonly SeatInfo[], seat: number | null, mySeat: number | null): string {
  if (seat === null) return "nobody";
  if (seat === mySeat) return "you";
  return seats[seat]?.name || `seat ${seat + 1}`;
}

/** A winning line in words: "column 1, rows 1 to 4", "row 2, columns 3 to 6", or a diagonal. */
export function lineWords(line: readonly (readonly [number, number])[]): string {
  if (line.length === 0) return "";
  const cols = line.map(([c]) => c);
  const rows = line.map(([, r]) => r);
  const first = line[0] as readonly [number, number];
  const last = line[line.length - 1] as readonly [number, number];
  if (cols.every((c) => c === first[0])) return `column ${first[0] + 1}, rows ${Math.min(...rows) + 1} to ${Math.max(...rows) + 1}`;
  if (rows.every((r) => r === first[1])) return `row ${first[1] + 1}, columns ${Math.min(...cols) + 1} to ${Math.max(...cols) + 1}`;
  return `a diagonal from column ${first[0] + 1} row ${first[1] + 1} to column ${last[0] + 1} row ${last[1] + 1}`;
}
