// What both quick-start commands do first, with nothing but Node: install the dependencies when
// they are missing or older than the lockfile, generate the Prisma client, and build when asked.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const quietEnv = { NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    ...options,
    env: { ...process.env, ...quietEnv, ...options.env },
  });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

export function ensureInstalled() {
  const installed = join(root, "node_modules", ".package-lock.json");
  if (mtime(installed) >= mtime(join(root, "package-lock.json"))) return;
  console.log("Installing dependencies (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

export function ensureGenerated() {
  const client = join(root, "packages", "db", "generated", "prisma", "client.ts");
  if (mtime(client) >= mtime(join(root, "prisma", "schema.prisma"))) return;
  run(process.execPath, [join(root, "scripts", "prisma-generate.mjs")]);
}

/** turbo rebuilds only what changed since the last build (its cache is keyed on the sources). */
export function ensureBuilt() {
  run(join(root, "node_modules", ".bin", "turbo"), ["run", "build", "--output-logs=errors-only"]);
}

export function prepare({ build }) {
  ensureInstalled();
  ensureGenerated();
  if (build) ensureBuilt();
}
