/**
 * Which Chromium the browser tests drive. A fresh machine needs nothing but
 * `npm install`: @sparticuz/chromium ships a compressed Chromium inside the
 * npm package and unpacks it to /tmp on first use. A system Chromium is
 * preferred when installed (Debian's is built for the host and starts faster).
 *
 * - CHROMIUM_PATH=<file>: exactly this executable.
 * - EDGEROOM_CHROMIUM=npm | system: force one source (npm hides the system one,
 *   to check that a machine without a browser works); unset: system if present.
 */
import { existsSync } from "node:fs";
import sparticuz from "@sparticuz/chromium";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

export interface ChromiumChoice {
  readonly path: string;
  readonly source: "CHROMIUM_PATH" | "system" | "npm";
}

export async function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const explicit = env["CHROMIUM_PATH"];
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
    return { path: explicit, source: "CHROMIUM_PATH" };
  }
  const wanted = env["EDGEROOM_CHROMIUM"] ?? "auto";
  if (!["auto", "npm", "system"].includes(wanted)) throw new Error(`EDGEROOM_CHROMIUM must be "npm" or "system" (or unset), got "${wanted}"`);
  if (wanted !== "npm" && existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: "system" };
  if (wanted === "system") throw new Error(`EDGEROOM_CHROMIUM=system but ${SYSTEM_CHROMIUM} is not installed`);
  return { path: await sparticuz.executablePath(), source: "npm" };
}
