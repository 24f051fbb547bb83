import type { Logger } from "./logger.ts";

interface Closer {
  name: string;
  close: () => unknown;
}

export interface Lifecycle {
  /** Registers a resource to close on shutdown; later registrations close first. */
  defer(name: string, close: () => unknown): void;
  /** Closes everything once, in reverse order; a second call waits for the first. */
  shutdown(): Promise<void>;
}

export function createLifecycle(log: Logger): Lifecycle {
  const closers: Closer[] = [];
  let shuttingDown: Promise<void> | undefined;

  async function closeAll(): Promise<void> {
    // Reverse order: listeners stop before the runtime and the database they rely on.
    for (const { name, close } of closers.toReversed()) {
      try {
        await close();
      } catch (error) {
        log.error({ err: error, resource: name }, "close failed");
      }
    }
  }

  return {
    defer(name, close) {
      closers.push({ name, close });
    },
    shutdown() {
      shuttingDown ??= closeAll();
      return shuttingDown;
    },
  };
}
