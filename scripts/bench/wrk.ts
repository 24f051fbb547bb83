/** Closed-loop throughput with wrk: each connection sends its next request when the last one is answered. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  /** Non-2xx/3xx answers plus socket errors (connect, read, write, timeout). */
  errors: number;
  errorDetail: string;
}

export function parseWrkOutput(output: string): WrkResult {
  const rate = output.match(/Requests\/sec:\s+([\d.]+)/);
  const total = output.match(/(\d+) requests in/);
  if (!rate || !total) throw new Error(`unexpected wrk output:\n${output}`);
  const non2xx = Number(output.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const socket = output.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const socketErrors = socket ? socket.slice(1).reduce((sum, count) => sum + Number(count), 0) : 0;
  const errorDetail = [non2xx > 0 ? `non-2xx ${non2xx}` : "", socket ? socket[0] : ""].filter(Boolean).join(", ");
  return { requestsPerSecond: Number(rate[1]), requests: Number(total[1]), errors: non2xx + socketErrors, errorDetail };
}

export async function runWrk(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  threads?: number;
}): Promise<WrkResult> {
  const args = [`-t${options.threads ?? 2}`, `-c${options.connections}`, `-d${options.durationSeconds}s`, options.url];
  const { stdout } = await run("wrk", args, { timeout: (options.durationSeconds + 30) * 1000 });
  return parseWrkOutput(stdout);
}
