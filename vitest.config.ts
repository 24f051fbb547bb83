import { defineConfig } from "vitest/config";

// One runner for the whole repo. Every project shares one PostgreSQL (TEST_DATABASE_URL, or an
// embedded server started for the run); each test file gets its own database from a migrated template.
export default defineConfig({
  test: {
    globalSetup: ["packages/db/test-support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "config", include: ["packages/config/src/**/*.test.ts"] } },
      { extends: true, test: { name: "db", include: ["packages/db/src/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "proxy",
          include: ["apps/proxy/src/**/*.test.ts", "apps/proxy/test/**/*.test.ts"],
        },
      },
      { extends: true, test: { name: "web", include: ["apps/web/src/**/*.test.ts", "apps/web/test/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "e2e", include: ["apps/web/e2e/**/*.e2e.ts"], fileParallelism: false },
      },
    ],
  },
});
