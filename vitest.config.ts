import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ once when it is older than the sources: the CLI, driver and scenario tests run it.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real processes and real locks: two cores, so keep file-level parallelism modest.
    maxWorkers: 2,
  },
});
