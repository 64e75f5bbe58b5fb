/**
 * The operator closes a room under two playing browsers: both pages stop reconnecting and show the
 * operator's reason in #room-notice ("Room closed by operator: <reason>").
 */
import { describe, expect, inject, it } from "vitest";
import { connection, joinWithName, useChromium, newPlayer, openLobby, screenshot } from "./support/browser";
import { BROWSER_OPERATOR_TOKEN } from "./support/global-setup";
import { waitForTurn } from "./support/connect-four";

const base = inject("baseUrl");
const chromium = useChromium();

describe("an operator closing a room", () => {
  it("shows both players the operator's reason and ends their connection for good", async () => {
    const ada = await newPlayer(chromium(), base, "Ada");
    const bob = await newPlayer(chromium(), base, "Bob");
    await openLobby(ada);
    await ada.page.getByRole("button", { name: "Create a match" }).click();
    const link = await ada.page.locator("#friend-created .share-url").inputValue();
    const matchId = new URL(link).searchParams.get("match") ?? "";
    await ada.page.getByRole("link", { name: "Open the board" }).click();
    await bob.page.goto(link);
    await joinWithName(bob);
    await waitForTurn(ada.page, "your-turn");
    await connection(bob.page, "open");

    const res = await fetch(`${base}/api/admin/rooms/${matchId}/close`, {
      method: "POST",
      headers: { Authorization: `Bearer ${BROWSER_OPERATOR_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "Server maintenance" }),
    });
    expect(res.status).toBe(200);
    for (const p of [ada, bob]) {
      await connection(p.page, "closed");
      const notice = p.page.locator("#room-notice");
      await notice.waitFor();
      expect(await notice.textContent()).toBe("Room closed by operator: Server maintenance");
      expect(await p.page.locator("#connection .conn-detail").textContent()).toBe("The operator closed the room.");
      expect(p.errors, p.errors.join("\n")).toEqual([]);
    }
    await screenshot(ada.page, "operator-closed-room");
  });
});
