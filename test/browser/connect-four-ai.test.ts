/**
 * One browser context plays Connect Four against the server AI (easy) from
 * the lobby to the end: each of our moves is followed by the AI's, shown as
 * it happens (highlighted cell and a sentence), until a win, loss or draw.
 */
import { describe, expect, inject, it } from "vitest";
import { connection, useChromium, newPlayer, openLobby } from "./support/browser";
import { column, discs, waitForDiscs } from "./support/connect-four";

const base = inject("baseUrl");
const chromium = useChromium();

/** Centre-first preference among columns that are not full. */
const PREFERENCE = [3, 2, 4, 1, 5, 0, 6];

describe("Connect Four against the AI", () => {
  it("plays a whole match against the easy AI", async () => {
    const carol = await newPlayer(chromium(), base, "Carol", "desktop");
    const page = carol.page;
    await openLobby(carol);
    await page.getByLabel("Easy").check();
    await page.getByRole("button", { name: "Play the computer" }).click();
    await page.waitForURL(/\/play(\.html)?\?game=connect-four&match=/);
    await connection(page, "open");
    expect(await page.locator("#players").textContent()).toContain("AI (easy)");

    let over = false;
    let ourMoves = 0;
    while (!over) {
      // Either our turn or the end, whichever the page shows.
      await page.locator('#turn[data-state="your-turn"], #turn[data-state^="over-"]').waitFor();
      if ((await page.locator("#turn").getAttribute("data-state"))?.startsWith("over-")) break;
      const before = await discs(page).count();
      let col = PREFERENCE[0] as number;
      for (const c of PREFERENCE) {
        if (!(await column(page, c).evaluate((el) => el.classList.contains("full")))) {
          col = c;
          break;
        }
      }
      await column(page, col).click();
      ourMoves++;
      await waitForDiscs(page, before + 1);
      // Then the AI answers (two discs more than before), unless our move ended it.
      await page.locator(`#turn[data-state^="over-"]`).or(page.locator(".cell.ai-move")).first().waitFor();
      over = (await page.locator("#turn").getAttribute("data-state"))?.startsWith("over-") ?? false;
      if (!over) {
        await waitForDiscs(page, before + 2);
        expect(await page.locator(".cell.ai-move").count()).toBe(1);
        expect(await page.locator("#message").textContent()).toMatch(/AI \(easy\) \(○\) dropped a disc in column [1-7]\./);
      }
    }
    const result = (await page.locator("#turn").textContent()) ?? "";
    expect(result).toMatch(/You won with four in a row!|You lost: AI \(easy\) made four in a row\.|Draw: the board is full\./);
    expect(ourMoves).toBeGreaterThanOrEqual(4);
    await page.locator('#fairness [data-verdict="verified"]').waitFor();
    await page.getByRole("button", { name: "Rematch" }).waitFor();
    expect(carol.errors).toEqual([]);
    await carol.context.close();
  });
});
