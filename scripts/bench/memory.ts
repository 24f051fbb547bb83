/**
 * Peak resident memory of a server and its workers (nginx's master and workers, Concierge's
 * primary and its cluster workers): the sum of VmRSS over the process tree, sampled from /proc
 * while a load runs, and the highest sum kept.
 */
import { readFile } from "node:fs/promises";

const SAMPLE_INTERVAL_MS = 200;

async function readOrEmpty(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}

/** The pid and every descendant, from each thread's `children` list (Linux ≥ 3.5). */
async function processTree(rootPid: number): Promise<number[]> {
  const tree: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    const children = await readOrEmpty(`/proc/${pid}/task/${pid}/children`);
    for (const child of children.split(" ")) if (child.trim() !== "") pending.push(Number(child));
  }
  return tree;
}

async function residentKiB(pid: number): Promise<number> {
  const status = await readOrEmpty(`/proc/${pid}/status`);
  const match = status.match(/^VmRSS:\s+(\d+) kB$/m);
  return match ? Number(match[1]) : 0;
}

export async function treeResidentMb(rootPid: number): Promise<number> {
  let kib = 0;
  for (const pid of await processTree(rootPid)) kib += await residentKiB(pid);
  return kib / 1024;
}

/** Samples the tree until `stop()`, which resolves with the peak in MB (at least one sample is taken). */
export function samplePeakMemory(rootPid: number): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    do {
      peak = Math.max(peak, await treeResidentMb(rootPid));
      if (running) await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
    } while (running);
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}
