/** Runner seats: a shape and a colour each (the shape alone tells them apart). */
export const RUNNER_SYMBOLS = ["●", "▲", "■", "◆"] as const;
export const RUNNER_COLOURS = ["#c23b22", "#1d5fbf", "#237a45", "#7b3fa0"] as const;

export function runnerSymbol(seat: number): string {
  return RUNNER_SYMBOLS[seat] ?? "★";
}

export function runnerColour(seat: number): string {
  return RUNNER_COLOURS[seat] ?? "#444";
}

/** Distance in course units (1 unit = 1000 mu), one decimal. */
export function units(mu: number): string {
  return (mu / 1000).toFixed(1);
}
