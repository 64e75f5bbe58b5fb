/**
 * Liar's Dice in two browsers: Ida (desktop) opens a two-seat table against
 * the easy computer from the lobby and plays it to the end with the page's
 * bid and liar controls; Sam (phone) watches the same match from its watch
 * link and never sees a die of the running hand, only the dice a challenge
 * revealed. The end shows the result and the verified fairness check.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { connection, joinWithName, newPlayer, openLobby, screenshot, useChromium } from "./support/browser";

const base = inject("baseUrl");
const chromium = useChromium();

// Page-side expressions as strings: the test files are type-checked without the DOM library.
/** Dice faces on the page that are not part of the last challenge's public reveal. */
const HIDDEN_DICE = `[...document.querySelectorAll(".die")].filter((d) => !d.closest("#ld-reveal")).length`;
/** What changes with every bid or challenge: the hand line and the number of bids. */
const PROGRESS = `(document.querySelector("#ld-hand")?.textContent ?? "") + "|" + document.querySelectorAll("#ld-bids li").length`;
const hiddenDiceShown = (page: Page) => page.evaluate<number>(HIDDEN_DICE);
const progress = (page: Page) => page.evaluate<string>(PROGRESS);

describe("Liar's Dice in the browser", () => {
  it("plays a table against the computer to the end while a spectator sees no hidden dice", async () => {
    const ida = await newPlayer(chromium(), base, "Ida", "desktop");
    const sam = await newPlayer(chromium(), base, "Sam", "phone");

    await openLobby(ida);
    await ida.page.getByLabel("Players at the table").selectOption("2");
    await ida.page.getByLabel("Dice each").selectOption("2");
    await ida.page.getByLabel("Opponents").selectOption("ai:easy");
    await ida.page.getByRole("button", { name: "Open a table" }).click();
    await ida.page.waitForURL(/\/play(\.html)?\?game=liars-dice&match=[A-Za-z0-9_-]{32}$/);
    await connection(ida.page, "open");
    const matchId = new URL(ida.page.url()).searchParams.get("match");
    expect(await ida.page.locator("#players").textContent()).toContain("AI (easy)");
    await ida.page.locator("#ld-my-dice .die").nth(1).waitFor();
    expect(await ida.page.locator("#ld-my-dice .die").count()).toBe(2);

    await sam.page.goto(`/play.html?game=liars-dice&match=${matchId}&watch=1`);
    await joinWithName(sam);
    await connection(sam.page, "open");
    await sam.page.getByText("You are watching: the dice stay under the cups").waitFor();
    expect(await sam.page.locator("#ld-counts").textContent()).toContain("Ida: 2 dice");
    expect(await sam.page.locator("#ld-controls").isHidden()).toBe(true);

    let actions = 0;
    for (;;) {
      await ida.page.locator('#turn[data-state="your-turn"], #turn[data-state^="over-"]').waitFor();
      expect(await hiddenDiceShown(sam.page)).toBe(0);
      if ((await ida.page.locator("#turn").getAttribute("data-state"))?.startsWith("over-")) break;
      const before = await progress(ida.page);
      // Challenge every bid of the computer; open with the suggested bid when there is none.
      if (await ida.page.getByRole("button", { name: "Call liar" }).isEnabled()) await ida.page.getByRole("button", { name: "Call liar" }).click();
      else await ida.page.getByRole("button", { name: "Bid", exact: true }).click();
      actions++;
      await ida.page.waitForFunction(`(${PROGRESS}) !== ${JSON.stringify(before)}`);
      if (actions === 2) await screenshot(ida.page, "liars-dice-desktop");
    }
    expect(actions).toBeGreaterThanOrEqual(2);
    expect(await ida.page.locator("#turn").textContent()).toMatch(/^(You won: the last player with dice!|AI \(easy\) won\.)$/);
    // The challenge that ended it is public: both pages show the same revealed dice.
    const revealed = await ida.page.locator("#ld-reveal .die").count();
    expect(revealed).toBeGreaterThanOrEqual(1);
    await sam.page.locator('#turn[data-state^="over-"]').waitFor();
    expect(await sam.page.locator("#ld-reveal .die").count()).toBe(revealed);
    await screenshot(sam.page, "liars-dice-spectator-phone");
    for (const p of [ida, sam]) await p.page.locator('#fairness [data-verdict="verified"]').waitFor();
    await ida.page.getByRole("button", { name: "Rematch" }).waitFor();
    expect(ida.errors).toEqual([]);
    expect(sam.errors).toEqual([]);
    await ida.context.close();
    await sam.context.close();
  });
});
