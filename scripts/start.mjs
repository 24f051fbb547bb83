// npm start: install what is missing, build what is stale, then run the product in the foreground.
// npm run dev: the same without the production build, with hot reload.
import { spawn } from "node:child_process";
import { join } from "node:path";

import { prepare, root } from "./prepare.mjs";

const dev = process.argv.includes("--dev");
prepare({ build: !dev });

const child = spawn(
  process.execPath,
  ["--import", "tsx", join(root, "scripts", "run-product.ts"), ...(dev ? ["--dev"] : [])],
  { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
);
// The product handles Ctrl-C itself (the terminal signals the whole process group); a SIGTERM
// sent to this process alone is passed on.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
