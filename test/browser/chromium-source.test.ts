/**
 * The browser tests need no system browser: with the system lookup turned
 * off (EDGEROOM_CHROMIUM=npm), the Chromium shipped in @sparticuz/chromium is
 * unpacked and driven; bad settings fail with a clear message.
 */
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { chromiumExecutable, SYSTEM_CHROMIUM } from "./support/chromium-path";

describe("the Chromium the browser tests use", () => {
  it("comes from the npm package when the system one is hidden, and renders a page", async () => {
    const choice = await chromiumExecutable({ EDGEROOM_CHROMIUM: "npm" });
    expect(choice.source).toBe("npm");
    expect(choice.path).not.toBe(SYSTEM_CHROMIUM);
    const browser = await chromium.launch({ executablePath: choice.path, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      await page.setContent("<h1>edgeroom</h1>");
      expect(await page.textContent("h1")).toBe("edgeroom");
      expect(browser.version()).toMatch(/^\d+\./);
    } finally {
      await browser.close();
    }
  });

  it("refuses unknown settings and a missing CHROMIUM_PATH with a message naming them", async () => {
    await expect(chromiumExecutable({ EDGEROOM_CHROMIUM: "firefox" })).rejects.toThrow(/EDGEROOM_CHROMIUM must be "npm" or "system"/);
    await expect(chromiumExecutable({ CHROMIUM_PATH: "/nonexistent/chromium" })).rejects.toThrow(/CHROMIUM_PATH=\/nonexistent\/chromium does not exist/);
  });
});
