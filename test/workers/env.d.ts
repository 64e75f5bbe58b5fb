// The bindings the worker sees, as `env` from "cloudflare:test" / "cloudflare:workers".
import type { Env as WorkerEnv } from "../../src/worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** wrangler.toml's [vars] as JSON (see vitest.config.ts): the configuration a plain deploy ships. */
      PRODUCTION_VARS: string;
    }
  }
}
