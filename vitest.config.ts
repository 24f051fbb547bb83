import { defineConfig } from "vitest/config";

// One runner for the whole repo. Projects that touch PostgreSQL share one server for the run
// (TEST_DATABASE_URL, or an embedded one); each test file gets its own database from a migrated template.
const withDatabase = ["packages/db/test-support/global-setup.ts"];
const withDashboardBuild = [...withDatabase, "apps/web/test/support/build-once.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "config", include: ["packages/config/src/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "db", include: ["packages/db/src/**/*.test.ts"], globalSetup: withDatabase },
      },
      {
        extends: true,
        test: {
          name: "proxy",
          include: ["apps/proxy/src/**/*.test.ts", "apps/proxy/test/**/*.test.ts"],
          globalSetup: withDatabase,
        },
      },
      {
        extends: true,
        test: {
          name: "web",
          include: ["apps/web/src/**/*.test.ts", "apps/web/test/**/*.test.ts"],
          globalSetup: withDashboardBuild,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["apps/web/e2e/**/*.e2e.ts"],
          fileParallelism: false,
          globalSetup: withDashboardBuild,
        },
      },
    ],
  },
});
