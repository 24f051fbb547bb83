/**
 * Everything the benchmark starts is registered here as it starts, and stopped in reverse order
 * on success, on failure and on Ctrl-C, so no origin, proxy, nginx or database outlives a run.
 */
export interface Cleanup {
  defer(name: string, close: () => Promise<void> | void): void;
  /** Stops the resources registered since `mark` was taken (the ones of one case). */
  runSince(mark: number): Promise<void>;
  mark(): number;
  runAll(): Promise<void>;
}

export function createCleanup(): Cleanup {
  const closers: Array<{ name: string; close: () => Promise<void> | void }> = [];

  async function runSince(mark: number): Promise<void> {
    while (closers.length > mark) {
      const { name, close } = closers.pop()!;
      try {
        await close();
      } catch (error) {
        process.stderr.write(`[bench] stopping ${name} failed: ${(error as Error).message}\n`);
      }
    }
  }

  return {
    defer: (name, close) => void closers.push({ name, close }),
    mark: () => closers.length,
    runSince,
    runAll: () => runSince(0),
  };
}
