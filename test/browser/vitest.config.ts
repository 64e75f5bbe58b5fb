import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// Browser tests: headless Chromium (system or npm, see support/chromium-path.ts; playwright-core) against one real
// `wrangler dev` started by the global setup. Files run one after another
// (each drives several browser contexts; CI machines may have 2 CPUs).
export default defineConfig({
  root: resolve(import.meta.dirname, "../.."),
  test: {
    name: "browser",
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/browser/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
