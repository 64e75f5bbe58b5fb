/**
 * Browser helpers: Chromium (the system one, or the one shipped in the
 * @sparticuz/chromium package; see chromium-path.ts) driven by playwright-core, one fresh
 * context (own storage) per player at desktop or phone size, screenshots
 * under test-results/screenshots/, and a record of page errors so a test
 * can assert the pages ran clean. Waits are on visible page state only.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { chromiumExecutable } from "./chromium-path";

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

const SCREENSHOTS = resolve(import.meta.dirname, "../../../test-results/screenshots");

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: (await chromiumExecutable()).path,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** One Chromium for the test file: launched before its tests, closed after; call the returned getter inside tests. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("Chromium is not running (useChromium's beforeAll has not run)");
    return browser;
  };
}

export interface Player {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors and console errors, for a clean-run assertion. */
  readonly errors: string[];
}

let clients = 0;

export async function newPlayer(browser: Browser, baseUrl: string, name: string, size: "desktop" | "phone" = "desktop"): Promise<Player> {
  const phone = size === "phone";
  const context = await browser.newContext({
    baseURL: baseUrl,
    // Each player is a different client address (the dev server believes CF-Connecting-IP here, see
    // global-setup): the per-address limits (10 guests a minute) are for one client, not the suite.
    extraHTTPHeaders: { "CF-Connecting-IP": `192.0.2.${++clients % 250}` },
    viewport: phone ? PHONE : DESKTOP,
    isMobile: phone,
    hasTouch: phone,
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    // Failed fetches while deliberately offline are expected noise; everything else counts.
    if (msg.type() === "error" && !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  return { name, context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Lobby: enter the player's name (the guest identity is created on first use). */
export async function openLobby(p: Player): Promise<void> {
  await p.page.goto("/");
  await p.page.getByLabel("Name shown to other players").fill(p.name);
}

/** On a game page opened from a share link by someone without a stored name. */
export async function joinWithName(p: Player): Promise<void> {
  await p.page.getByRole("heading", { name: "Choose a name" }).waitFor();
  await p.page.getByLabel("Your name").fill(p.name);
  await p.page.getByRole("button", { name: "Join" }).click();
}

/** Wait for the connection indicator to report a status. */
export async function connection(page: Page, status: "open" | "reconnecting" | "offline" | "closed" | "connecting"): Promise<void> {
  await page.locator(`#connection[data-status="${status}"]`).waitFor();
}
