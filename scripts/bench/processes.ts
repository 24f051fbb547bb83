/**
 * Child processes of the benchmark: started with their output kept (the last lines are shown when
 * one dies early), registered for cleanup, and stopped with SIGTERM, then SIGKILL after a deadline.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

import type { Cleanup } from "./cleanup.ts";

const STOP_DEADLINE_MS = 10_000;
const KEPT_LINES = 40;

export interface BenchProcess {
  name: string;
  child: ChildProcess;
  /** The last lines the process wrote, stdout and stderr interleaved. */
  recentOutput(): string;
  /** Resolves with the first output line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** A closure over the process, so it can be handed on unbound (cleanup, other handles). */
  stop: () => Promise<void>;
}

export function startProcess(
  cleanup: Cleanup,
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): BenchProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      for (const watcher of watchers) watcher(line);
    });
  }
  const exited = once(child, "exit").then(() => undefined);

  async function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_DEADLINE_MS);
    await exited;
    clearTimeout(timer);
  }
  cleanup.defer(name, stop);

  return {
    name,
    child,
    recentOutput: () => lines.join("\n"),
    waitForLine(pattern, timeoutMs) {
      for (const line of lines) {
        const match = line.match(pattern);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        const finish = (error?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          watchers.delete(onLine);
          child.off("exit", onExit);
          if (error) reject(error);
          else resolve(match!);
        };
        const onLine = (line: string) => {
          const match = line.match(pattern);
          if (match) finish(undefined, match);
        };
        const onExit = (code: number | null, signal: string | null) =>
          finish(
            new Error(
              `${name} exited (${signal ?? `code ${code}`}) before it was ready:\n${lines.join("\n")}`,
            ),
          );
        const timer = setTimeout(
          () =>
            finish(
              new Error(
                `${name} did not print ${pattern} within ${timeoutMs} ms:\n${lines.join("\n")}`,
              ),
            ),
          timeoutMs,
        );
        watchers.add(onLine);
        child.once("exit", onExit);
      });
    },
    stop,
  };
}

/** A loopback port free at the time of asking (the kernel's choice for port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}
