import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The tests run inside workerd with this app's wrangler.toml; SELF is the worker.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: { AUTH_SECRET: "starter-test-secret-0123456789abcdef0123" },
      },
    }),
  ],
  test: { include: ["test/**/*.test.ts"] },
});
