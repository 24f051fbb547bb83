// npm run bench: build what is stale, make sure nginx and wrk are installed, then run the
// benchmark (scripts/bench/run.ts). Arguments are passed on: --quick, --cases a,b, --connections
// 64,256, --workers 1,2, --rounds N, --duration S, --max-rate R, --changes N, --propagation; the
// BENCH_* variables of scripts/bench/settings.ts narrow the run the same way.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

import { prepare, root, run } from "./prepare.mjs";

function installed(command, args) {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return result.error === undefined;
}

prepare({ build: true });

if (!installed("nginx", ["-v"]) || !installed("wrk", ["-v"])) {
  console.log("Installing nginx and wrk (apt-get)…");
  run("apt-get", ["install", "-y", "-o", "DPkg::Lock::Timeout=600", "nginx", "wrk"], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
}

const child = spawn(
  process.execPath,
  ["--import", "tsx", join(root, "scripts", "bench", "run.ts"), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
// Ctrl-C reaches the benchmark directly (same process group); it stops what it started.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
