import type { RequestSampleRow } from "@concierge/config/traffic";

import type { Logger } from "../logger.ts";
import type { CapturedSample } from "./request-samples.ts";

/** Where samples go: `request_samples`, through the node's database client (given by the composition root). */
export interface SampleStore {
  /** Inserts the rows and trims the node's samples to their bounds, in one transaction. */
  write(rows: readonly RequestSampleRow[]): Promise<void>;
}

export interface SampleWriter {
  add(samples: readonly CapturedSample[]): void;
  /** Samples held in memory, not yet written. */
  readonly buffered: number;
  /** Writes what is buffered and stops the timer. */
  stop(): Promise<void>;
}

/**
 * Writes the node's request samples every `flushMs`, all buffered ones in one transaction. While
 * the database is away they wait in memory, at most `maxBuffered` (the oldest are dropped first,
 * and logged): the newest failures are the ones worth seeing once it is back.
 */
export function startSampleWriter(options: {
  store: SampleStore;
  nodeId: string;
  flushMs: number;
  maxBuffered: number;
  log: Logger;
}): SampleWriter {
  const log = options.log.child({ component: "sample-writer" });
  let buffer: RequestSampleRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  let failing = false;

  async function flush(): Promise<void> {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    try {
      await options.store.write(batch);
      if (failing) log.info({}, "request samples written again");
      failing = false;
    } catch (error) {
      if (!failing) log.warn({ err: error, buffered: batch.length }, "request sample write failed; buffering");
      failing = true;
      buffer = [...batch, ...buffer];
      dropOverflow();
    }
  }

  function dropOverflow(): void {
    const excess = buffer.length - options.maxBuffered;
    if (excess <= 0) return;
    buffer.splice(0, excess);
    log.warn({ dropped: excess }, "request sample buffer full; oldest samples dropped");
  }

  const timer = setInterval(() => {
    writing = writing.then(flush);
  }, options.flushMs);
  timer.unref();

  return {
    add(samples) {
      for (const sample of samples) buffer.push({ ...sample, at: new Date(sample.at), nodeId: options.nodeId });
      dropOverflow();
    },
    get buffered() {
      return buffer.length;
    },
    async stop() {
      clearInterval(timer);
      writing = writing.then(flush);
      await writing;
    },
  };
}
