import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";
import { SummaryReporter } from "./test/support/summary-reporter.ts";

const require = createRequire(import.meta.url);

export default defineConfig({
  // one graphql instance: type-graphql loads the CJS build, our ESM imports would otherwise load the .mjs one
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.spec.ts"],
    pool: "forks",
    // two files at once on CI's two cores: most files wait on child processes, PostgreSQL or the disk
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    setupFiles: ["test/setup.ts"],
    reporters: ["default", new SummaryReporter()],
  },
});
