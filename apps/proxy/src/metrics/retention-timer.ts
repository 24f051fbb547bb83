import type { Logger } from "../logger.ts";

const EVERY_MS = 3_600_000;
/** Not at start: a fleet restarted together should not all reach for the lock in the same second. */
const FIRST_AFTER_MS = 5 * 60_000;

/** Downsamples and expires traffic rollups once an hour; one node of the fleet does it at a time. */
export function startRetentionTimer(options: {
  /** One pass of `runRetention`: `ran` is false when another node holds the lock. */
  run: () => Promise<{ ran: boolean }>;
  log: Logger;
}): { stop(): void } {
  const log = options.log.child({ component: "retention" });
  const run = () => {
    options.run().then(
      (result) => {
        if (result.ran) log.info(result, "traffic retention ran");
      },
      (error: unknown) => log.warn({ err: error }, "traffic retention failed; next try in an hour"),
    );
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    run();
    interval = setInterval(run, EVERY_MS);
    interval.unref();
  }, FIRST_AFTER_MS);
  first.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(interval);
    },
  };
}
