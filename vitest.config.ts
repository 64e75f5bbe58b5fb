import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

// wrangler.toml's [vars] are the production defaults; the workers tests get them as one JSON binding
// (PRODUCTION_VARS) to prove what a plain `wrangler deploy` allows, and run everything else with the
// development values given explicitly below (the tests must not depend on a developer's .dev.vars).
const productionVars = unstable_readConfig({ config: "./wrangler.toml" }).vars;

// Three projects: pure unit tests on Node, workerd tests through the Workers
// integration (@cloudflare/vitest-plugin, the renamed @cloudflare/vitest-pool-workers), and end-to-end
// tests against the worker started through miniflare's API (plus one real `wrangler dev`).
export default defineConfig({
  test: {
    projects: [
      {
        // Compute-heavy property tests (AI search, replays) share 2 cores with workerd in CI: 5 s was too tight.
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node", testTimeout: 30_000 },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                AUTH_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
                ALLOWED_ORIGINS: "https://play.example.com",
                ALLOW_GUESTS: "true",
                PRODUCTION_VARS: JSON.stringify(productionVars),
                OPERATOR_TOKEN: "test-operator-token-0123456789abcdef",
                // Real-time quick play starts half a second after the first player queued (tests wait on the frame, not the clock).
                QUEUE_READY_MS: "500",
                // Retention window, distinct from the 15-minute default so the tests see the setting is used.
                RETENTION_MS: "600000",
                // As on Cloudflare: CF-Connecting-IP keys the rate limits (test/workers/helpers.ts gives
                // every request its own address unless a test names one).
                TRUST_CF_CONNECTING_IP: "true",
              },
            },
          }),
        ],
        // Every wait is on a frame or an event; the bound only turns a hang into a failure. 5 s was reached by
        // healthy tests while CI's 2 cores ran other files beside them.
        test: { name: "workers", include: ["test/workers/**/*.test.ts"], testTimeout: 30_000 },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
