/**
 * A player goes offline mid-match and comes back.
 *
 * How the drop is made: Chromium can keep an open WebSocket alive under
 * `context.setOffline(true)`, so Dave's context routes its match sockets
 * through Playwright (`context.routeWebSocket` + `connectToServer`, frames
 * forwarded unchanged). To go offline the test calls `setOffline(true)` (so
 * ticket requests fail and `navigator.onLine` is false) and closes the
 * routed socket's page side with 1006, exactly what a dead network looks like
 * to the page; the server side is closed too. Coming back is
 * `setOffline(false)`: the page's 'online' event makes the SDK retry at once.
 * No product code has a test hook.
 *
 * Checked: the indicator shows offline/reconnecting with the attempt; a move
 * made while offline is shown as queued and applied exactly once after
 * resume (board counts on both pages, and the replay's action log); moves
 * made by the opponent while Dave was away are replayed to him.
 */
import type { WebSocketRoute } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { connection, joinWithName, useChromium, newPlayer, openLobby, type Player } from "./support/browser";
import { column, discs, discsIn, waitForDiscs, waitForEnd, waitForTurn } from "./support/connect-four";

const base = inject("baseUrl");
const chromium = useChromium();

/** Route a context's match sockets through Playwright so the test can cut them; returns the live routes. */
async function routeSockets(p: Player): Promise<WebSocketRoute[]> {
  const routes: WebSocketRoute[] = [];
  await p.context.routeWebSocket(/\/api\/matches\/[^/]+\/ws/, (page) => {
    const server = page.connectToServer();
    // Forward the page's own closes; a 1006 we inject cannot be sent on the wire, so the server gets 1000.
    page.onClose((code, reason) => {
      const wire = code === 1000 || (code !== undefined && code >= 3000 && code <= 4999) ? code : 1000;
      void server.close({ code: wire, reason: reason ?? "" });
    });
    routes.push(page);
  });
  return routes;
}

async function goOffline(p: Player, routes: WebSocketRoute[]): Promise<void> {
  await p.context.setOffline(true);
  const live = routes.at(-1);
  if (!live) throw new Error("no routed socket to cut");
  await live.close({ code: 1006, reason: "network lost (test)" });
}

describe("Connect Four through a network drop", () => {
  it("queues a move made offline and applies it exactly once after resume", async () => {
    const dave = await newPlayer(chromium(), base, "Dave", "desktop");
    const erin = await newPlayer(chromium(), base, "Erin", "desktop");
    const routes = await routeSockets(dave);

    await openLobby(dave);
    await dave.page.getByRole("button", { name: "Create a match" }).click();
    const link = await dave.page.locator("#friend-created .share-url").inputValue();
    const matchId = new URL(link).searchParams.get("match");
    await dave.page.getByRole("link", { name: "Open the board" }).click();
    await erin.page.goto(link);
    await joinWithName(erin);

    // Dave (seat 0) col 1, Erin col 7: Dave to move, two discs down.
    await waitForTurn(dave.page, "your-turn");
    await column(dave.page, 0).click();
    await waitForTurn(erin.page, "your-turn");
    await column(erin.page, 6).click();
    await waitForDiscs(dave.page, 2);
    await waitForTurn(dave.page, "your-turn");

    // --- Drop 1, on Dave's turn: his move is queued while offline.
    await goOffline(dave, routes);
    await connection(dave.page, "offline");
    expect(await dave.page.locator("#connection .conn-headline").textContent()).toBe("Offline: reconnecting when the network is back");
    await dave.page.locator("#connection .conn-detail", { hasText: /attempt \d+/ }).waitFor();
    await erin.page.getByText("Dave lost the connection").waitFor();

    await column(dave.page, 0).click();
    await dave.page.getByText("1 move queued: it will be sent when the connection is back.").waitFor();
    await dave.page.getByText("Your move in column 1 is queued").waitFor();
    expect(await dave.page.locator(".cell.pending").count()).toBe(1);
    expect(await discs(dave.page).count()).toBe(2);
    // A second click while the first is pending is refused locally, not queued twice.
    await column(dave.page, 0).click({ force: true });
    expect(await dave.page.locator("#connection .conn-queued").textContent()).toContain("1 move queued");

    await dave.context.setOffline(false);
    await connection(dave.page, "open");
    await waitForDiscs(dave.page, 3);
    await waitForDiscs(erin.page, 3);
    for (const p of [dave, erin]) {
      expect(await discsIn(p.page, 0, 0).count()).toBe(2);
      expect(await discs(p.page).count()).toBe(3);
    }
    expect(await dave.page.locator(".cell.pending").count()).toBe(0);
    await dave.page.locator("#connection .conn-queued").waitFor({ state: "hidden" });

    // --- Drop 2, on Erin's turn: her move while Dave is away is replayed to him.
    await waitForTurn(erin.page, "your-turn");
    await goOffline(dave, routes);
    await connection(dave.page, "offline");
    await erin.page.getByText("Dave lost the connection").waitFor();
    await column(erin.page, 6).click();
    await waitForDiscs(erin.page, 4);
    expect(await discs(dave.page).count()).toBe(3);
    await dave.context.setOffline(false);
    await connection(dave.page, "open");
    await waitForDiscs(dave.page, 4);
    await dave.page.getByText("While you were away: Erin (○) dropped a disc in column 7.").waitFor();
    await waitForTurn(dave.page, "your-turn");

    // Finish: Dave completes column 1 (Erin keeps to column 7).
    await column(dave.page, 0).click();
    await waitForTurn(erin.page, "your-turn");
    await column(erin.page, 6).click();
    await waitForTurn(dave.page, "your-turn");
    await column(dave.page, 0).click();
    expect(await waitForEnd(dave.page)).toContain("You won with four in a row!");
    await waitForEnd(erin.page);
    for (const p of [dave, erin]) {
      expect(await discsIn(p.page, 0, 0).count()).toBe(4);
      expect(await discsIn(p.page, 6, 1).count()).toBe(3);
    }

    // The room's own log: Dave's four moves, each applied once, ids strictly increasing.
    const replay = (await (await fetch(`${base}/api/matches/${matchId}/replay`)).json()) as { actions: { kind: string; seat: number; inputId: number | null; data: unknown }[] };
    const daveMoves = replay.actions.filter((a) => a.kind === "input" && a.seat === 0);
    expect(daveMoves.map((a) => a.data)).toEqual(Array(4).fill({ type: "dropDisc", column: 0 }));
    const ids = daveMoves.map((a) => a.inputId ?? 0);
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(routes.length).toBeGreaterThanOrEqual(3);

    expect(dave.errors).toEqual([]);
    expect(erin.errors).toEqual([]);
    await dave.context.close();
    await erin.context.close();
  });

  it("says why a connection failed for good (a link to no match)", async () => {
    const fred = await newPlayer(chromium(), base, "Fred", "phone");
    await openLobby(fred);
    await fred.page.getByRole("button", { name: "Save" }).click();
    await fred.page.getByText("Playing as Fred.").waitFor();
    // Well-formed but never minted: the API refuses the ticket with 404 and the SDK stops.
    await fred.page.goto(`/play.html?game=connect-four&match=${"A".repeat(32)}`);
    await connection(fred.page, "closed");
    expect(await fred.page.locator("#connection").textContent()).toContain("There is no such match. Check the link.");
    expect(fred.errors).toEqual([]);
    await fred.context.close();
  });
});
