/**
 * Resident memory of a process and its children, read from Linux's /proc (VmRSS of
 * /proc/<pid>/status). The proxy's workers are node:cluster children of its primary, so they
 * are found by their parent pid (field 4 of /proc/<pid>/stat).
 */
import { readdir, readFile } from "node:fs/promises";

const KIB_PER_MIB = 1024;

/** VmRSS in MiB, or null when the process is gone. */
export async function residentMiB(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
    return match ? Number(match[1]) / KIB_PER_MIB : null;
  } catch {
    return null;
  }
}

export async function childPids(parentPid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) is parenthesised and may hold spaces: count fields after it.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === parentPid) children.push(Number(entry));
    } catch {
      // The process exited between readdir and readFile.
    }
  }
  return children.sort((a, b) => a - b);
}
