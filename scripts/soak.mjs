// npm run soak: build what is stale, then run the soak (scripts/soak/run.ts). Arguments are passed
// on: --minutes N (default 30), --rate R (default 300 req/s). `npm run soak -- --dashboard` runs the
// dashboard's browser memory soak instead (scripts/soak/dashboard-memory.ts, SOAK_DASHBOARD_* env).
import { spawn } from "node:child_process";
import { join } from "node:path";

import { prepare, root } from "./prepare.mjs";

prepare({ build: true });

const args = process.argv.slice(2);
const dashboard = args.includes("--dashboard");
const script = dashboard ? "dashboard-memory.ts" : "run.ts";
const child = spawn(
  process.execPath,
  ["--import", "tsx", join(root, "scripts", "soak", script), ...args.filter((arg) => arg !== "--dashboard")],
  { cwd: root, stdio: "inherit" },
);
// Ctrl-C reaches the soak directly (same process group); it stops what it started.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
