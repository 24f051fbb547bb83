// npm test: install what is missing (dependencies, the browser for end-to-end tests), build, and
// run every test once. Extra arguments go to vitest (e.g. `npm test -- --project proxy`).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { prepare, root, run } from "./prepare.mjs";

function ensureChromium() {
  if (process.env.CHROMIUM_PATH || existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() !== 0) {
    console.error("Chromium is missing: install it with `apt-get install -y chromium` (browser tests need it).");
    process.exit(1);
  }
  console.log("Installing Chromium for the browser tests (apt-get)…");
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  run("apt-get", ["install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=600", "chromium"], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
}

prepare({ build: true });
ensureChromium();
run(join(root, "node_modules", ".bin", "vitest"), ["run", ...process.argv.slice(2)]);
