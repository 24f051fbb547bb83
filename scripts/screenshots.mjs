// npm run screenshots: build what is stale, then photograph the dashboard's main pages with traffic
// behind them (scripts/screenshots/run.ts). Arguments are passed on: --seconds N.
import { spawn } from "node:child_process";
import { join } from "node:path";

import { prepare, root } from "./prepare.mjs";

prepare({ build: true });

const child = spawn(
  process.execPath,
  ["--import", "tsx", join(root, "scripts", "screenshots", "run.ts"), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
// Ctrl-C reaches the script directly (same process group); it stops what it started.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
