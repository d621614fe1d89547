import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real processes and real locks: two cores, so keep file-level parallelism modest.
    maxWorkers: 2,
  },
});
