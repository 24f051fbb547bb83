import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REPO_ROOT = join(WEB_DIR, "..", "..");
const BUILD_ID = join(WEB_DIR, ".next", "BUILD_ID");
const START_DEADLINE_MS = 30_000;

/** Newest modification among the files the build reads (tests excluded). */
function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.endsWith(".test.ts") ? 0 : stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtimeMs(join(path, entry))));
}

/** Builds the Next.js app when there is no build or a source is newer than it. */
export async function ensureBuild(): Promise<void> {
  const sources = Math.max(
    newestMtimeMs(join(WEB_DIR, "src")),
    newestMtimeMs(join(WEB_DIR, "next.config.ts")),
  );
  if (existsSync(BUILD_ID) && statSync(BUILD_ID).mtimeMs >= sources) return;
  const build = spawn(join(REPO_ROOT, "node_modules", ".bin", "next"), ["build"], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  build.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(build, "exit")) as [number | null];
  if (code !== 0) throw new Error(`next build failed (${code}):\n${stderr}`);
}

export interface RunningWeb {
  process: ChildProcess;
  port: number;
  baseUrl: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node --import tsx apps/web/server.ts` from the repo root, as production does. */
export async function startWeb(env: Record<string, string>): Promise<RunningWeb> {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/web/server.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`web did not start in time:\n${stderr}`)),
      START_DEADLINE_MS,
    );
    void exited.then((code) =>
      reject(new Error(`web exited with ${code} before listening:\n${stderr}`)),
    );
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === "listening" && entry.port) {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // Next.js prints a few plain lines of its own.
      }
    });
  });
  return {
    process: child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Runs server.ts expecting it to fail at start; resolves with its exit code and stderr. */
export async function runWebExpectingExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/web/server.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), START_DEADLINE_MS);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { code, stderr };
}
