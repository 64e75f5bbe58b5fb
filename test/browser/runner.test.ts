/**
 * Two browser contexts race: Fay (desktop, keyboard) creates a 2-runner,
 * 10-second race in the lobby; Gus (phone, touch) opens the share link.
 * Both see the countdown, race (Fay jumps and ducks with the keyboard, Gus
 * taps the on-screen buttons), watch the live standings, and get the results
 * with the fairness check: the commitment shown at the start opened by the
 * seed and salt revealed at the end.
 */
import { describe, expect, inject, it } from "vitest";
import { connection, joinWithName, useChromium, newPlayer, openLobby, screenshot } from "./support/browser";

const base = inject("baseUrl");
const chromium = useChromium();

describe("Runner between two browsers", () => {
  it("runs a short race to the results and verifies the reveal", async () => {
    const fay = await newPlayer(chromium(), base, "Fay", "desktop");
    const gus = await newPlayer(chromium(), base, "Gus", "phone");

    await openLobby(fay);
    await fay.page.getByLabel("Runners").selectOption("2");
    await fay.page.getByLabel("Length (seconds, 10–90)").fill("10");
    await fay.page.getByRole("button", { name: "Create a race" }).click();
    const link = await fay.page.locator("#race-created .share-url").inputValue();
    expect(link).toMatch(/\/play\.html\?game=runner&match=[A-Za-z0-9_-]{32}$/);
    await fay.page.getByRole("link", { name: "Open the race" }).click();
    await fay.page.locator('#phase[data-phase="waiting"]').waitFor();
    await fay.page.getByText("Waiting for runners: 1 of 2 joined.").waitFor();
    await connection(fay.page, "open");

    await gus.page.goto(link);
    await joinWithName(gus);
    await connection(gus.page, "open");

    // Countdown, then the race. The commitment is on screen before anything is decided.
    await fay.page.locator('#phase[data-phase="countdown"]').waitFor();
    const commitment = await fay.page.locator("#fairness code.hash").first().getAttribute("title");
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(await gus.page.locator("#fairness code.hash").first().getAttribute("title")).toBe(commitment);

    await fay.page.locator('#phase[data-phase="racing"], #phase[data-phase="finished"]').waitFor();
    await gus.page.locator('#phase[data-phase="racing"], #phase[data-phase="finished"]').waitFor();
    if ((await fay.page.locator("#phase").getAttribute("data-phase")) === "racing") {
      await fay.page.keyboard.press("Space");
      await fay.page.keyboard.down("ArrowDown");
      await fay.page.keyboard.up("ArrowDown");
      await fay.page.keyboard.press("ArrowUp");
      await screenshot(fay.page, "runner-desktop");
    }
    if ((await gus.page.locator("#phase").getAttribute("data-phase")) === "racing") {
      await gus.page.locator("#jump").tap();
      await screenshot(gus.page, "runner-phone");
    }
    expect(await fay.page.locator("#standings li").count()).toBe(2);
    expect(await fay.page.locator("#standings").textContent()).toMatch(/Fay \(you\): \d+\.\d units/);

    // The results (at most 10 s after the start) with the fairness verdict.
    for (const p of [fay, gus]) {
      await p.page.locator("#results").waitFor({ state: "visible", timeout: 60_000 });
      expect(await p.page.locator("#results-list li[data-seat]").count()).toBe(2);
      expect(await p.page.locator("#results-summary").textContent()).toMatch(/won|ranks? first|Solo run over/);
      await p.page.locator('#fairness [data-verdict="verified"]').waitFor();
      expect(await p.page.locator("#fairness code.hash").first().getAttribute("title")).toBe(commitment);
    }
    expect(await fay.page.locator("#results-list").textContent()).toMatch(/Fay \(you\): \d+\.\d units, \d+ inputs?/);
    await screenshot(fay.page, "runner-results-desktop");
    await screenshot(gus.page, "runner-results-phone");

    expect(fay.errors).toEqual([]);
    expect(gus.errors).toEqual([]);
    await fay.context.close();
    await gus.context.close();
  });
});
