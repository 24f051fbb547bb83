// npm run soak: build what is stale, then run the soak (scripts/soak/run.ts). Arguments are passed
// on: --minutes N (default 30), --rate R (default 300 req/s).
import { spawn } from "node:child_process";
import { join } from "node:path";

import { prepare, root } from "./prepare.mjs";

prepare({ build: true });

const child = spawn(
  process.execPath,
  ["--import", "tsx", join(root, "scripts", "soak", "run.ts"), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
// Ctrl-C reaches the soak directly (same process group); it stops what it started.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
