/** Connect Four page helpers: counting discs, dropping by click, tap or keyboard, waiting for turns. */
import type { Page } from "playwright-core";

export const discs = (page: Page) => page.locator(".cell[data-disc]");

export function column(page: Page, col: number) {
  return page.locator(`.column[data-col="${col}"]`);
}

/** Discs of one seat in one column. */
export function discsIn(page: Page, col: number, seat: number) {
  return column(page, col).locator(`.cell[data-disc="${seat}"]`);
}

export async function waitForDiscs(page: Page, n: number): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll(".cell[data-disc]").length >= ${n}`);
}

export async function waitForTurn(page: Page, state: "your-turn" | "playing" | "waiting"): Promise<void> {
  await page.locator(`#turn[data-state="${state}"]`).waitFor();
}

/** Wait until the page shows the match over (any reason). */
export async function waitForEnd(page: Page): Promise<string> {
  await page.locator('#turn[data-state^="over-"]').waitFor();
  return (await page.locator("#turn").textContent()) ?? "";
}

/** Drop with the keyboard: focus the board, move with arrows from the current column, press Enter. */
export async function dropWithKeys(page: Page, col: number): Promise<void> {
  const selected = page.locator('.column[tabindex="0"]');
  await selected.focus();
  const from = Number(await selected.getAttribute("data-col"));
  const key = col < from ? "ArrowLeft" : "ArrowRight";
  for (let i = 0; i < Math.abs(col - from); i++) await page.keyboard.press(key);
  await page.keyboard.press("Enter");
}
