/**
 * Issue 14 end to end in browsers: Ada (desktop) and Bob (phone) press Quick play for Connect Four in
 * the lobby and land in the same match; they play a few moves. An operator opens /admin, enters the
 * token in the form (kept in session storage, never in a URL), finds the room in the live list and
 * opens it; its Watch link is how Cy, a third visitor, comes to watch (quick-play rooms are not in the
 * public directory). Cy sees the moves read-only and no seat controls, and both players' pages count
 * one spectator. The operator closes the room with a reason: all three pages show it, and stop
 * reconnecting.
 */
import { describe, expect, inject, it } from "vitest";
import { connection, joinWithName, newPlayer, openLobby, screenshot, useChromium, type Player } from "./support/browser";
import { BROWSER_OPERATOR_TOKEN } from "./support/global-setup";
import { column, discs, waitForDiscs, waitForTurn } from "./support/connect-four";

const base = inject("baseUrl");
const chromium = useChromium();
const matchOf = (url: string) => new URL(url).searchParams.get("match") ?? "";

describe("quick play, spectating and the operator console", () => {
  it("matches two lobby visitors, lets a third watch from the console's link, and closes the room with a reason all three see", async () => {
    const ada = await newPlayer(chromium(), base, "Ada", "desktop");
    const bob = await newPlayer(chromium(), base, "Bob", "phone");
    for (const p of [ada, bob]) await openLobby(p);
    await ada.page.locator("#quick-play-connect-four").click();
    await ada.page.locator("#quick-play-status-connect-four", { hasText: "Waiting for players" }).waitFor();
    await bob.page.locator("#quick-play-connect-four").click();
    // The assets layer serves play.html at /play (it drops the extension).
    for (const p of [ada, bob]) await p.page.waitForURL(/\/play(\.html)?\?game=connect-four&match=/);
    const matchId = matchOf(ada.page.url());
    expect(matchId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(matchOf(bob.page.url())).toBe(matchId);
    for (const p of [ada, bob]) await connection(p.page, "open");

    // Whoever moves first drops in column 1, the other in column 2: two moves each.
    const first = await firstToMove(ada, bob);
    const second = first === ada ? bob : ada;
    for (let i = 0; i < 2; i++) {
      await waitForTurn(first.page, "your-turn");
      await column(first.page, 0).click();
      await waitForDiscs(second.page, 2 * i + 1);
      await waitForTurn(second.page, "your-turn");
      await column(second.page, 1).click();
      await waitForDiscs(first.page, 2 * i + 2);
    }

    // The operator console: the token goes in the form, the room appears in the live list.
    const op = await newPlayer(chromium(), base, "Operator", "desktop");
    await op.page.goto("/admin");
    await op.page.locator("#token-input").fill(BROWSER_OPERATOR_TOKEN);
    await op.page.locator("#token-save").click();
    expect(op.page.url()).not.toContain(BROWSER_OPERATOR_TOKEN);
    expect(await op.page.evaluate("JSON.stringify(sessionStorage)")).toContain(BROWSER_OPERATOR_TOKEN);
    const row = op.page.locator(`#admin-room-${matchId}`);
    await row.waitFor();
    expect(await row.textContent()).toContain("connect-four");
    await op.page.locator(`#view-${matchId}`).click();
    const watch = op.page.locator("#room-watch");
    await op.page.waitForFunction(`(document.getElementById("room-watch")?.getAttribute("href") ?? "").includes(${JSON.stringify(matchId)})`);
    const watchUrl = new URL((await watch.getAttribute("href")) ?? "", base).toString();
    expect(watchUrl).toContain("watch=1");

    // Cy watches: the same four discs, read-only, no seat controls.
    const cy = await newPlayer(chromium(), base, "Cy", "desktop");
    await cy.page.goto(watchUrl);
    await joinWithName(cy);
    await connection(cy.page, "open");
    await cy.page.locator("#watching", { hasText: "You are watching" }).waitFor();
    await waitForDiscs(cy.page, 4);
    expect(await discs(cy.page).count()).toBe(4);
    expect(await cy.page.getByRole("button", { name: "Resign" }).count()).toBe(0);
    expect(await cy.page.getByRole("button", { name: "Rematch" }).count()).toBe(0);
    // Both players see one spectator (the pages poll the public status).
    for (const p of [ada, bob]) await p.page.locator('#spectator-count[data-count="1"]').waitFor();
    await screenshot(op.page, "admin-room-view");

    // Close the room from the console, with a reason everyone sees.
    const reason = "Closed for a tournament check";
    await op.page.locator("#close-reason").fill(reason);
    await op.page.locator("#close-room").click();
    await op.page.locator("#close-result", { hasText: /closed/i }).waitFor();
    for (const p of [ada, bob, cy]) {
      await connection(p.page, "closed");
      const notice = p.page.locator("#room-notice");
      await notice.waitFor();
      expect(await notice.textContent()).toBe(`Room closed by operator: ${reason}`);
    }
    await screenshot(cy.page, "spectator-room-closed");
    for (const p of [ada, bob, cy, op]) {
      expect(p.errors, `${p.name}: ${p.errors.join("\n")}`).toEqual([]);
      await p.context.close();
    }
  });
});

/** The player whose page says it is their turn once the match has started. */
async function firstToMove(a: Player, b: Player): Promise<Player> {
  const turn = (p: Player) => p.page.locator('#turn[data-state="your-turn"]');
  await Promise.race([turn(a).waitFor(), turn(b).waitFor()]);
  return (await turn(a).count()) > 0 ? a : b;
}
