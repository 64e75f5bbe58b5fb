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

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startWranglerDev({ timeoutMs: 120_000 });
  project.provide("baseUrl", server.base);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
