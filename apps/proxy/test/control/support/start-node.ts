import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { waitFor } from "./wait-for.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL("../../../build.mjs", import.meta.url));
const BUNDLE = fileURLToPath(new URL("../../../dist/main.mjs", import.meta.url));

/** Builds dist/main.mjs as `npm run build` does, so the tests run what ships. */
export async function buildProxyBundle(): Promise<void> {
  await promisify(execFile)(process.execPath, [BUILD_SCRIPT], { cwd: REPO_ROOT });
}

export interface LogLine {
  msg: string;
  worker: number | "primary";
  pid: number;
  [field: string]: unknown;
}

export interface RunningNode {
  process: ChildProcess;
  logs: LogLine[];
  adminUrl: string;
  dataUrl: string;
  /** Waits for a log line matching `predicate` (past lines included). */
  waitForLog(
    description: string,
    predicate: (line: LogLine) => boolean,
    timeoutMs?: number,
  ): Promise<LogLine>;
  readyz(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the real proxy process (primary + workers) from the bundle `buildProxyBundle` made, on
 * ports the OS picks, and learns those ports from its own log lines.
 */
export async function startNode(env: Record<string, string>): Promise<RunningNode> {
  const child = spawn(process.execPath, ["--enable-source-maps", BUNDLE], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      PROXY_PORT: "0",
      PROXY_HOST: "127.0.0.1",
      PROXY_ADMIN_PORT: "0",
      PROXY_ADMIN_HOST: "127.0.0.1",
      PROXY_TLS_PORT: "0",
      LOG_LEVEL: "info",
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const logs: LogLine[] = [];
  createInterface({ input: child.stdout }).on("line", (text) => {
    try {
      logs.push(JSON.parse(text) as LogLine);
    } catch {
      // not a log line
    }
  });

  const waitForLog: RunningNode["waitForLog"] = (description, predicate, timeoutMs = 20_000) =>
    waitFor(
      description,
      () => {
        if (child.exitCode !== null)
          throw new Error(`proxy exited (${child.exitCode}) before ${description}`);
        return logs.find(predicate);
      },
      timeoutMs,
    );

  const admin = await waitForLog("admin listening", (line) => line.msg === "admin listening");
  const data = await waitForLog("data listening", (line) => line.msg === "data listening");
  const adminUrl = `http://127.0.0.1:${String(admin.port)}`;

  return {
    process: child,
    logs,
    adminUrl,
    dataUrl: `http://127.0.0.1:${String(data.port)}`,
    waitForLog,
    async readyz() {
      const res = await fetch(`${adminUrl}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
