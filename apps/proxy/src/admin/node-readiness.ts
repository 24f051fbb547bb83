import type { ConfigSource, ConfigSyncStatus, DatabaseState, RefusedRevision } from "../config/watch-revisions.ts";

/** The body of GET /readyz. */
export interface Readiness {
  ready: boolean;
  /** The revision every worker serves (the oldest, while a reload is spreading); null when none. */
  revision: number | null;
  source: ConfigSource | null;
  nodeId: string;
  /** "starting" until some worker finished its first config load. */
  database: DatabaseState | "starting";
  refused?: RefusedRevision;
  /** Why the node is not ready. */
  reason?: string;
  workers: Array<{ worker: number; revision: number | null; source: ConfigSource | null }>;
}

/** The start reason: before a worker's first config load finished, no other reason is known yet. */
export const STARTING_REASON = "starting: the first config load has not finished";

/**
 * A node is ready when every live worker serves a config: the data port spreads connections
 * over all of them, so one worker without config would answer 503 to its share. A worker's
 * status is null until it reported once, i.e. until its first config load attempt finished.
 */
export function toReadiness(nodeId: string, statuses: ReadonlyMap<number, ConfigSyncStatus | null>): Readiness {
  const workers = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([worker, status]) => ({ worker, revision: status?.revision ?? null, source: status?.source ?? null }));
  const all = [...statuses.values()].filter((status) => status !== null);
  const starting = all.length < statuses.size;
  const serving = !starting && all.length > 0 && all.every((status) => status.revision !== null);
  const revisions = all.map((status) => status.revision ?? 0);
  const refused = all
    .map((status) => status.refused)
    .reduce<RefusedRevision | null>((newest, next) => (next && (!newest || next.revision > newest.revision) ? next : newest), null);

  return {
    ready: serving,
    revision: serving ? Math.min(...revisions) : null,
    source: all.some((status) => status.source === "last-good") ? "last-good" : serving ? "database" : null,
    nodeId,
    database: all.length === 0 && starting ? "starting" : databaseOf(all),
    ...(refused ? { refused } : {}),
    ...(serving ? {} : { reason: starting ? STARTING_REASON : reasonNotReady(all) }),
    workers,
  };
}

function databaseOf(statuses: readonly ConfigSyncStatus[]): DatabaseState {
  if (statuses.some((status) => status.database === "unreachable")) return "unreachable";
  if (statuses.length > 0 && statuses.every((status) => status.database === "not-configured")) return "not-configured";
  return "connected";
}

function reasonNotReady(statuses: readonly ConfigSyncStatus[]): string {
  if (statuses.length === 0) return "no worker is running";
  if (statuses.some((status) => status.refused)) return "the only revision available was refused and no last-good file exists";
  if (statuses.some((status) => status.database === "unreachable")) {
    return "the database is unreachable and no last-good config file exists";
  }
  return "no config revision exists yet";
}
