/**
 * Two browser contexts play Connect Four against each other: Ada (desktop)
 * creates the match in the lobby and opens the board; Bob (phone, touch)
 * pastes the share link into the lobby, picks a name and joins. Ada plays with the keyboard,
 * Bob by tapping. Ada wins with four in column 1; both pages show the result
 * in words and the winning line marked; then both ask for a rematch.
 */
import { describe, expect, inject, it } from "vitest";
import { connection, joinWithName, useChromium, newPlayer, openLobby, screenshot } from "./support/browser";
import { column, discs, dropWithKeys, waitForDiscs, waitForEnd, waitForTurn } from "./support/connect-four";

const base = inject("baseUrl");
const chromium = useChromium();

describe("Connect Four between two browsers", () => {
  it("plays from the lobby's share link to a win, then a rematch", async () => {
    const ada = await newPlayer(chromium(), base, "Ada", "desktop");
    const bob = await newPlayer(chromium(), base, "Bob", "phone");

    await openLobby(ada);
    await screenshot(ada.page, "lobby-desktop");
    await ada.page.getByRole("button", { name: "Create a match" }).click();
    const share = ada.page.locator("#friend-created .share-url");
    await share.waitFor();
    const link = await share.inputValue();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/play\.html\?game=connect-four&match=[A-Za-z0-9_-]{32}$/);
    await ada.page.getByRole("link", { name: "Open the board" }).click();
    await ada.page.getByText("Waiting for your opponent to join").waitFor();
    await connection(ada.page, "open");
    // The board page offers the same link while the seat is open.
    expect(await ada.page.locator("#share-host .share-url").inputValue()).toBe(link);

    // Bob pastes the link into the lobby's "Join from a link", which forwards to the board.
    await bob.page.goto("/");
    await screenshot(bob.page, "lobby-phone");
    await bob.page.getByLabel("Link or match id").fill(link);
    await bob.page.getByRole("button", { name: "Join", exact: true }).click();
    await joinWithName(bob);
    await connection(bob.page, "open");

    // Round 1: seat 0 (Ada, ●) moves first.
    await waitForTurn(ada.page, "your-turn");
    await bob.page.getByText("Ada's turn.").waitFor();
    expect(await ada.page.locator("#clock").textContent()).toMatch(/You have \d+ s left/);
    expect(await bob.page.locator("#players").textContent()).toContain("Ada");

    let moves = 0;
    const both = async () => {
      moves++;
      await waitForDiscs(ada.page, moves);
      await waitForDiscs(bob.page, moves);
    };
    for (let i = 0; i < 3; i++) {
      await waitForTurn(ada.page, "your-turn");
      await dropWithKeys(ada.page, 0);
      await both();
      await waitForTurn(bob.page, "your-turn");
      await column(bob.page, 1).tap();
      await both();
      if (i === 1) {
        await screenshot(ada.page, "connect-four-desktop");
        await screenshot(bob.page, "connect-four-phone");
      }
    }
    await waitForTurn(ada.page, "your-turn");
    await dropWithKeys(ada.page, 0);
    await both();

    const adaResult = await waitForEnd(ada.page);
    const bobResult = await waitForEnd(bob.page);
    expect(adaResult).toContain("You won with four in a row!");
    expect(adaResult).toContain("Winning line: column 1, rows 1 to 4.");
    expect(bobResult).toContain("You lost: Ada made four in a row.");
    for (const p of [ada, bob]) {
      expect(await discs(p.page).count()).toBe(7);
      // The line is marked by class (pattern + star), and in words in the column's label.
      expect(await p.page.locator(".cell.win").count()).toBe(4);
      expect(await column(p.page, 0).getAttribute("aria-label")).toContain("winning line");
      await p.page.locator('#fairness [data-verdict="verified"]').waitFor();
    }
    await screenshot(ada.page, "connect-four-result-desktop");
    await screenshot(bob.page, "connect-four-result-phone");

    // Rematch: both ask; round 2 starts with seat 1 (Bob) to move and an empty board.
    await ada.page.getByRole("button", { name: "Rematch" }).click();
    await ada.page.getByRole("button", { name: "Rematch requested" }).waitFor();
    await bob.page.getByText("Ada wants a rematch.").waitFor();
    await bob.page.getByRole("button", { name: "Rematch" }).click();
    await waitForTurn(bob.page, "your-turn");
    await ada.page.getByText("Bob's turn.").waitFor();
    expect(await discs(ada.page).count()).toBe(0);
    expect(await discs(bob.page).count()).toBe(0);

    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await ada.context.close();
    await bob.context.close();
  });
});
