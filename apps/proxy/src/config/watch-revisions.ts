/**
 * Config sync: keeps the runtime on the newest valid revision. At start it loads the latest
 * revision from the database, else the last-good file, else it serves nothing and says so.
 * Then it follows LISTEN/NOTIFY and also polls the latest revision number (notifications are
 * lost while the connection is down), loading a snapshot only when its number is newer. Revisions never go backwards: a late or duplicate
 * notification is ignored. Nothing here is on the request path.
 */
import type { Db } from "@concierge/db/client";
import { latestRevisionNumber } from "@concierge/db/config-change";
import { listenForRevisions } from "@concierge/db/notify";
import type { ConfigSnapshot } from "@concierge/config/snapshot";

import type { Logger } from "../logger.ts";
import { readLastGood, saveLastGood } from "./last-good.ts";
import { loadCheckedRevision, loadLatestRevision } from "./load-revision.ts";
import type { CheckedRevision } from "./load-revision.ts";
import { withTimeout } from "./with-timeout.ts";

export type ConfigSource = "database" | "last-good";
export type DatabaseState = "connected" | "unreachable" | "not-configured";

export interface RefusedRevision {
  revision: number;
  reasons: string[];
}

export interface ConfigSyncStatus {
  /** The revision being served; null while the node serves no config (data port answers 503). */
  revision: number | null;
  source: ConfigSource | null;
  database: DatabaseState;
  /** The newest revision that was refused, until a newer one applies. */
  refused: RefusedRevision | null;
}

export interface ConfigSync {
  status(): ConfigSyncStatus;
  /** Called after every change of status (applied, refused, database up or down). */
  onChange(listener: (status: ConfigSyncStatus) => void): void;
  stop(): Promise<void>;
}

export interface ConfigSyncOptions {
  db: Db | undefined;
  databaseUrl: string | undefined;
  /** The runtime's apply: compiles and swaps, throws (keeping the previous config) when it cannot. */
  runtime: { apply(snapshot: ConfigSnapshot, revision: number): void };
  dataDir: string;
  /** Saved with the last-good file. */
  pseudonym: string;
  log: Logger;
  /** How often the latest revision number is checked besides notifications. */
  pollIntervalMs?: number;
  /** How long the first load may wait for the database before falling back to the last-good file. */
  startTimeoutMs?: number;
}

const FIRST_RETRY_MS = 250;

export async function startConfigSync(options: ConfigSyncOptions): Promise<ConfigSync> {
  const { db, databaseUrl, runtime, dataDir, pseudonym } = options;
  const log = options.log.child({ component: "config-sync" });
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;

  const state: ConfigSyncStatus = {
    revision: null,
    source: null,
    database: db ? "unreachable" : "not-configured",
    refused: null,
  };
  const listeners: Array<(status: ConfigSyncStatus) => void> = [];
  const emit = () => {
    const snapshot = { ...state };
    for (const listener of listeners) listener(snapshot);
  };

  let applying: Promise<void> = Promise.resolve();
  /** Applies run one at a time, so "newer than current" is decided against a settled current. */
  function serialise(task: () => Promise<void>): Promise<void> {
    applying = applying.then(task).catch((error: unknown) => {
      log.error({ err: error }, "config sync step failed");
    });
    return applying;
  }

  function markDatabase(connected: boolean, error?: unknown): void {
    const next: DatabaseState = connected ? "connected" : "unreachable";
    if (state.database === next) return;
    state.database = next;
    if (connected) log.info({}, "database reachable");
    else log.warn({ err: error }, "database unreachable; keeping current config");
    emit();
  }

  async function apply(checked: CheckedRevision, source: ConfigSource): Promise<void> {
    if (state.revision !== null && checked.revision <= state.revision) return;
    if (!checked.ok) return refuse(checked.revision, checked.reasons);
    try {
      runtime.apply(checked.snapshot, checked.revision);
    } catch (error) {
      return refuse(checked.revision, [error instanceof Error ? error.message : String(error)]);
    }
    state.revision = checked.revision;
    state.source = source;
    if (state.refused && state.refused.revision < checked.revision) state.refused = null;
    log.info({ revision: checked.revision, source }, "config applied");
    emit();
    if (source === "database") {
      await saveLastGood(dataDir, { revision: checked.revision, snapshot: checked.snapshot, pseudonym }).catch(
        (error: unknown) => log.warn({ err: error }, "last-good config not saved"),
      );
    }
  }

  function refuse(revision: number, reasons: string[]): void {
    if (state.refused?.revision === revision) return;
    state.refused = { revision, reasons };
    log.warn({ revision, problems: reasons }, "revision refused; keeping current config");
    emit();
  }

  async function loadFirst(): Promise<void> {
    if (db) {
      try {
        const latest = await withTimeout(loadLatestRevision(db), options.startTimeoutMs ?? 5_000);
        markDatabase(true);
        if (latest) await apply(latest, "database");
        else log.warn({}, "the database holds no revision yet");
      } catch (error) {
        markDatabase(false, error);
      }
    }
    if (state.revision !== null) return;
    const lastGood = await readLastGood(dataDir).catch((error: unknown) => {
      log.warn({ err: error }, "last-good config unreadable");
      return null;
    });
    if (lastGood) {
      await apply({ ok: true, revision: lastGood.revision, snapshot: lastGood.snapshot }, "last-good");
    } else {
      log.warn({}, "no config to serve: no revision from the database and no last-good file");
    }
  }

  const handle = (stop: () => Promise<void>): ConfigSync => ({
    status: () => ({ ...state }),
    onChange: (listener) => void listeners.push(listener),
    stop,
  });

  await loadFirst();
  if (!db || databaseUrl === undefined) return handle(async () => {});
  const database = db;

  let stopped = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let failedPolls = 0;

  function schedulePoll(delayMs: number): void {
    if (stopped) return;
    clearTimeout(pollTimer);
    pollTimer = setTimeout(() => void poll(), delayMs);
    pollTimer.unref();
  }

  const isNewer = (revision: number) =>
    (state.revision === null || revision > state.revision) && revision !== state.refused?.revision;

  /** Runs serialised, so newness is decided again against a settled current revision. */
  async function loadAndApply(revision: number): Promise<void> {
    if (!isNewer(revision)) return;
    try {
      const checked = await loadCheckedRevision(database, revision);
      markDatabase(true);
      if (checked) await apply(checked, "database");
    } catch (error) {
      markDatabase(false, error);
      schedulePoll(FIRST_RETRY_MS);
    }
  }

  async function poll(): Promise<void> {
    try {
      const latest = await latestRevisionNumber(database);
      markDatabase(true);
      failedPolls = 0;
      if (latest !== null && isNewer(latest)) await serialise(() => loadAndApply(latest));
      else if (latest === state.revision && state.source === "last-good") {
        state.source = "database"; // the database confirms what the last-good file held
        emit();
      }
    } catch (error) {
      markDatabase(false, error);
      failedPolls += 1;
    }
    // While the database is away, retry sooner than the poll interval, backing off up to it.
    const healthy = state.database === "connected";
    schedulePoll(healthy ? pollIntervalMs : Math.min(FIRST_RETRY_MS * 2 ** failedPolls, pollIntervalMs));
  }

  function onRevision(revision: number): void {
    if (!isNewer(revision)) {
      log.debug({ revision, current: state.revision }, "notification ignored: not newer");
      return;
    }
    void serialise(() => loadAndApply(revision));
  }

  const listening = await listenForRevisions({
    url: databaseUrl,
    onRevision,
    onConnectionChange(connected, error) {
      markDatabase(connected, error);
      if (connected) schedulePoll(0); // catch up on what was notified while the connection was down
    },
    log,
  });
  schedulePoll(state.database === "connected" ? pollIntervalMs : FIRST_RETRY_MS);

  return handle(async () => {
    stopped = true;
    clearTimeout(pollTimer);
    await listening.close();
    await applying;
  });
}
