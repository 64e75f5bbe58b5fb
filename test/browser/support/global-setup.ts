/**
 * One real `wrangler dev` for every browser test file (it builds web-dist
 * itself through wrangler.toml's [build]); its base URL is provided to the
 * tests as `inject("baseUrl")`.
 */
import type { TestProject } from "vitest/node";
import { startWranglerDev, type DevServer } from "../../support/wrangler-dev";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** The operator token of the browser tests' server (operator actions, e.g. closing a room under the players). */
export const BROWSER_OPERATOR_TOKEN = "browser-operator-token-0123456789abcdef";

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startWranglerDev({ timeoutMs: 120_000, vars: { OPERATOR_TOKEN: BROWSER_OPERATOR_TOKEN, TRUST_CF_CONNECTING_IP: "true" } });
  project.provide("baseUrl", server.base);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
