/**
 * GET /api/docs renders the interactive API reference in a real browser with
 * every request to another host refused: the page, its script and the
 * document all come from the worker itself.
 */
import { describe, expect, inject, it } from "vitest";
import { newPlayer, screenshot, useChromium } from "./support/browser";

const base = inject("baseUrl");
const chromium = useChromium();

describe("the API reference page", () => {
  it("renders the operations of the OpenAPI document with no request leaving the server", async () => {
    const reader = await newPlayer(chromium(), base, "Reader", "desktop");
    const page = reader.page;
    const ownHost = new URL(base).host;
    const foreign: string[] = [];
    const own: string[] = [];
    // Anything not on the worker's host is refused, as it would be on a machine with no internet.
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.host === ownHost) {
        own.push(url.pathname);
        return route.continue();
      }
      foreign.push(url.href);
      return route.abort("internetdisconnected");
    });
    await page.goto("/api/docs");
    await page.getByRole("heading", { name: "Edgeroom HTTP API" }).waitFor();
    // The first tag group is open; the others open from the sidebar.
    await page.getByText("Liveness and configuration problems").first().waitFor();
    await page.getByText("Open Group - matches").first().click();
    await page.getByText("Create a match").first().waitFor();
    await page.getByText("Public status of a match").first().waitFor();
    await screenshot(page, "api-docs");
    expect(own).toEqual(expect.arrayContaining(["/api/docs", "/vendor/scalar-api-reference.js", "/api/openapi.json"]));
    // The reference asks for nothing else (no fonts, no CDN); if it did, the list says what.
    expect(foreign).toEqual([]);
    expect(reader.errors).toEqual([]);
    await reader.context.close();
  });
});
