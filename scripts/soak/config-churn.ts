/**
 * Config changes through the JSON API on a fixed period, while traffic flows: changes alternate
 * between a response header on the `/1k` route and the priority of the `/nostore` route, and every
 * tenth change takes the pool's last target out or puts it back (with weight 2), so target pools are
 * created and closed too. The pool never loses its first two targets.
 */
import { callApi, type WebServer } from "../bench/concierge.ts";

export interface SoakConfig {
  poolId: string;
  /** Route ids by path prefix. */
  routes: Record<"/1k" | "/nostore" | "/100k", string>;
  originUrls: string[];
  revision: number;
}

export interface ChurnStats {
  changes: number;
  failed: number;
  /** The revision the last successful change returned. */
  revision: number;
  /** API call durations in ms, one per successful change. */
  durationsMs: number[];
  failures: string[];
}

export interface ConfigChurn {
  stats: ChurnStats;
  /** Stops after the change in progress; resolves once it is done. */
  stop(): Promise<void>;
}

const KEPT_FAILURES = 20;

interface PoolTargets {
  targets: Array<{ id: string; url: string; weight: number }>;
}

async function applyChange(
  web: WebServer,
  bearer: Record<string, string>,
  config: SoakConfig,
  change: number,
): Promise<number> {
  if (change % 10 === 0) {
    const { json: pool } = await callApi<PoolTargets>(
      web,
      "GET",
      `/api/v1/pools/${config.poolId}`,
      undefined,
      bearer,
    );
    const kept = pool.targets.slice(0, 2).map(({ id, url, weight }) => ({ id, url, weight }));
    const lastUrl = config.originUrls[2]!;
    const targets = pool.targets.length > 2 ? kept : [...kept, { url: lastUrl, weight: 2 }];
    const { json } = await callApi<{ revision: number }>(
      web,
      "PATCH",
      `/api/v1/pools/${config.poolId}`,
      { targets },
      bearer,
    );
    return json.revision;
  }
  const patch =
    change % 2 === 0
      ? {
          path: `/api/v1/routes/${config.routes["/1k"]}`,
          body: { responseHeaders: { set: { "x-soak-change": String(change) } } },
        }
      : {
          path: `/api/v1/routes/${config.routes["/nostore"]}`,
          body: { priority: change % 4 === 1 ? 1 : 0 },
        };
  const { json } = await callApi<{ revision: number }>(
    web,
    "PATCH",
    patch.path,
    patch.body,
    bearer,
  );
  return json.revision;
}

export function startConfigChurn(options: {
  web: WebServer;
  bearer: Record<string, string>;
  config: SoakConfig;
  periodMs: number;
}): ConfigChurn {
  const stats: ChurnStats = {
    changes: 0,
    failed: 0,
    revision: options.config.revision,
    durationsMs: [],
    failures: [],
  };
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const loop = (async () => {
    for (let change = 1; !stopped; change++) {
      const startedAt = performance.now();
      try {
        stats.revision = await applyChange(options.web, options.bearer, options.config, change);
        stats.changes++;
        stats.durationsMs.push(performance.now() - startedAt);
      } catch (error) {
        stats.failed++;
        if (stats.failures.length < KEPT_FAILURES)
          stats.failures.push(`change ${change}: ${(error as Error).message}`);
      }
      const waitMs = Math.max(0, options.periodMs - (performance.now() - startedAt));
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, waitMs);
      });
    }
  })();

  return {
    stats,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
