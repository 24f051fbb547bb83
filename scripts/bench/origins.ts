/** Three origin processes on loopback (scripts/bench/origin.ts), shared by the benchmark and the soak. */
import { join } from "node:path";

import { request } from "undici";

import type { Cleanup } from "./cleanup.ts";
import { startProcess } from "./processes.ts";

export interface OriginStats {
  /** Requests per path. */
  counts: Record<string, number>;
  /** Connections the origins accepted from clients other than this handle. */
  connections: number;
}

export interface Origins {
  ports: number[];
  urls: string[];
  /** Summed over the origins. */
  stats(): Promise<OriginStats>;
}

export async function startOrigins(cleanup: Cleanup, root: string): Promise<Origins> {
  const ports: number[] = [];
  for (let index = 1; index <= 3; index++) {
    const origin = startProcess(
      cleanup,
      `origin ${index}`,
      process.execPath,
      ["--import", "tsx", join(root, "scripts/bench/origin.ts")],
      { cwd: root },
    );
    const [, port] = await origin.waitForLine(/^listening (\d+)$/, 20_000);
    ports.push(Number(port));
  }
  return {
    ports,
    urls: ports.map((port) => `http://127.0.0.1:${port}`),
    async stats() {
      const totals: OriginStats = { counts: {}, connections: 0 };
      for (const port of ports) {
        const { body } = await request(`http://127.0.0.1:${port}/stats`);
        const origin = (await body.json()) as OriginStats;
        totals.connections += origin.connections;
        for (const [path, count] of Object.entries(origin.counts))
          totals.counts[path] = (totals.counts[path] ?? 0) + count;
      }
      return totals;
    },
  };
}
