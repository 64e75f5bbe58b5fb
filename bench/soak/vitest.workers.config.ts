/**
 * The workerd part of `npm run soak` (evictions and alarm runs), run by bench/soak/evictions.ts as
 * `vitest run --config bench/soak/vitest.workers.config.ts`. Evicting a Durable Object needs workerd's
 * unsafe eviction hook, which the Workers vitest integration exposes (`evictDurableObject`); a worker
 * started through miniflare's API has no such call. Counts come from SOAK_EVICTIONS and SOAK_ALARMS.
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          AUTH_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
          ALLOWED_ORIGINS: "https://play.example.com",
          ALLOW_GUESTS: "true",
          TRUST_CF_CONNECTING_IP: "true",
          SOAK_EVICTIONS: process.env["SOAK_EVICTIONS"] ?? "200",
          SOAK_ALARMS: process.env["SOAK_ALARMS"] ?? "1000",
        },
      },
    }),
  ],
  test: { name: "soak-workers", include: ["bench/soak/**/*.soak.ts"], testTimeout: 20 * 60_000 },
});
