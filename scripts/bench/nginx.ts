/**
 * nginx for one case: the template in this folder filled in with the case's worker count, the
 * origins and a run folder (pid, temp paths, error log) plus a cache folder under /dev/shm.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

import { request } from "undici";

import type { Cleanup } from "./cleanup.ts";
import { freePort, startProcess } from "./processes.ts";
import { waitFor } from "./wait-for.ts";

export interface NginxServer {
  port: number;
  /** The master process (its workers are its children). */
  pid: number;
}

export function renderNginxConfig(
  template: string,
  values: { workers: number; port: number; runDir: string; cacheDir: string; originPorts: number[] },
): string {
  const fill: Record<string, string> = {
    USER_DIRECTIVE: userInfo().uid === 0 ? "user root;" : "",
    WORKERS: String(values.workers),
    PORT: String(values.port),
    RUN_DIR: values.runDir,
    CACHE_DIR: values.cacheDir,
    UPSTREAM_SERVERS: values.originPorts.map((port) => `        server 127.0.0.1:${port};`).join("\n"),
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = fill[name];
    if (value === undefined) throw new Error(`nginx.conf.template: unknown placeholder ${name}`);
    return value;
  });
}

export async function startNginx(
  cleanup: Cleanup,
  options: { workers: number; originPorts: number[] },
): Promise<NginxServer> {
  const runDir = await mkdtemp(join(tmpdir(), "concierge-bench-nginx-"));
  const cacheDir = await mkdtemp(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "concierge-bench-cache-"));
  cleanup.defer("nginx folders", async () => {
    await rm(runDir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });
  const port = await freePort();
  const template = await readFile(new URL("nginx.conf.template", import.meta.url), "utf8");
  const configFile = join(runDir, "nginx.conf");
  await writeFile(configFile, renderNginxConfig(template, { ...options, port, runDir, cacheDir }));

  const nginx = startProcess(cleanup, "nginx", "nginx", ["-e", join(runDir, "error.log"), "-p", runDir, "-c", configFile]);
  await waitFor(
    "nginx to answer",
    async () => {
      if (nginx.child.exitCode !== null) {
        const errorLog = await readFile(join(runDir, "error.log"), "utf8").catch(() => "");
        throw new Error(`nginx exited early:\n${nginx.recentOutput()}\n${errorLog}`);
      }
      const { statusCode, body } = await request(`http://127.0.0.1:${port}/healthz`);
      await body.dump();
      return statusCode === 200 ? true : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
  return { port, pid: nginx.child.pid! };
}
