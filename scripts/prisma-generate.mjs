// Generates the Prisma client offline. `prisma generate` insists on a schema engine binary even
// though generation never runs it; migrations are applied by packages/db/src/migrate.ts instead.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = join(root, "scripts", "schema-engine-unavailable.sh");
}
const result = spawnSync(join(root, "node_modules", ".bin", "prisma"), ["generate"], {
  cwd: root,
  env,
  stdio: ["ignore", "inherit", "inherit"],
});
process.exit(result.status ?? 1);
