import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    include: ["lib/**/*.test.ts", "models/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts"],
    exclude: ["node_modules", "e2e", ".next", "data"],
    environment: "node",
    setupFiles: ["test/support/scan-store-env.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites share one Postgres server; files run in separate forks.
    pool: "forks",
    maxWorkers: 2,
  },
});
