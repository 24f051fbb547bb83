import pg from "pg";

import { CONFIG_CHANNEL } from "./config-change.ts";
import { type Logger, silentLogger } from "./logger.ts";

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

export interface Listener {
  close(): Promise<void>;
}

export interface ListenOptions {
  url: string;
  channel: string;
  onPayload: (payload: string) => void;
  /**
   * Called on every connect, disconnect and failed attempt. Notifications sent while disconnected
   * are lost, so a consumer re-reads the current state whenever `connected` turns true.
   */
  onConnectionChange?: (connected: boolean, error?: Error) => void;
  log?: Logger;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * LISTENs on `channel` over a dedicated connection and keeps doing so: when the connection fails
 * or drops it reconnects with capped exponential backoff. Never throws once started; resolves
 * after the first connection attempt, successful or not.
 */
export async function listenToChannel(options: ListenOptions): Promise<Listener> {
  const { url, channel, onPayload, onConnectionChange, log = silentLogger } = options;
  let closed = false;
  let current: pg.Client | undefined;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  const report = (connected: boolean, error?: Error) => {
    try {
      onConnectionChange?.(connected, error);
    } catch (callbackError) {
      log.error({ err: callbackError, channel }, "connection change handler failed");
    }
  };

  const scheduleReconnect = () => {
    if (closed) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
    failures++;
    retryTimer = setTimeout(() => void connect(), delay);
  };

  async function connect(): Promise<void> {
    retryTimer = undefined;
    const client = new pg.Client({ connectionString: url, keepAlive: true });
    let lastError: Error | undefined;
    client.on("error", (error) => {
      lastError = error;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      log.warn({ err: error, channel }, "cannot listen; retrying");
      report(false, error as Error);
      scheduleReconnect();
      return;
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }

    current = client;
    failures = 0;
    client.on("notification", (message) => {
      if (message.channel !== channel) return;
      try {
        onPayload(message.payload ?? "");
      } catch (error) {
        log.error({ err: error, channel }, "notification handler failed");
      }
    });
    client.once("end", () => {
      if (current !== client) return;
      current = undefined;
      if (closed) return;
      log.warn({ err: lastError, channel }, "listen connection lost; reconnecting");
      report(false, lastError);
      scheduleReconnect();
    });
    report(true);
  }

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const client = current;
      current = undefined;
      await client?.end().catch(() => {});
    },
  };
}

/** Calls `onRevision` with each config revision number announced by `applyConfigChange`. */
export function listenForRevisions(options: {
  url: string;
  onRevision: (revision: number) => void;
  onConnectionChange?: (connected: boolean, error?: Error) => void;
  log?: Logger;
}): Promise<Listener> {
  const log = options.log ?? silentLogger;
  return listenToChannel({
    url: options.url,
    channel: CONFIG_CHANNEL,
    onConnectionChange: options.onConnectionChange,
    log,
    onPayload(payload) {
      const revision = Number(payload);
      if (Number.isSafeInteger(revision) && revision > 0) options.onRevision(revision);
      else log.warn({ payload }, "ignoring a config notification that is not a revision number");
    },
  });
}
