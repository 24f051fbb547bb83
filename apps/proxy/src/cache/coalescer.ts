/**
 * One origin fetch for N concurrent misses of a key. The first request leads and calls `finish`
 * once the answer is stored or known not to be; the others wait (bounded) and then look in the
 * store again, so a private or unstorable answer is never shared between clients.
 */
export interface Coalescer {
  /** Settles when the key's in-flight fetch finishes or `maxWaitMs` passes; undefined when none runs. */
  wait(key: string): Promise<void> | undefined;
  /** Claims the key; the returned function releases it (idempotent). */
  lead(key: string): () => void;
  isInFlight(key: string): boolean;
}

export function createCoalescer(options: { maxWaitMs: number }): Coalescer {
  const inFlight = new Map<string, { done: Promise<void>; release: () => void }>();

  return {
    wait(key) {
      const flight = inFlight.get(key);
      if (!flight) return undefined;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.maxWaitMs);
        timer.unref();
        void flight.done.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },

    lead(key) {
      let release!: () => void;
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      const flight = { done, release };
      inFlight.set(key, flight);
      return () => {
        if (inFlight.get(key) === flight) inFlight.delete(key);
        flight.release();
      };
    },

    isInFlight(key) {
      return inFlight.has(key);
    },
  };
}
