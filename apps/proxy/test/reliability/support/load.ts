import { Agent, request } from "node:http";
import { setTimeout as pause } from "node:timers/promises";
import type { Socket } from "node:net";

/** One client request of a load run. */
export interface LoadOutcome {
  /** Which of the concurrent loops sent it. */
  loop: number;
  startedAt: number;
  finishedAt: number;
  /** The response status, or null when the exchange failed before a complete response. */
  status: number | null;
  error?: string;
  /** When the connection it used was first seen: tells pre-fault connections from later ones. */
  connectionSeenAt: number;
  /** The origin's `x-origin` header, when it sends one. */
  servedBy?: string;
}

export interface Load {
  readonly outcomes: readonly LoadOutcome[];
  /** Outcomes without a complete 2xx response. */
  failures(): LoadOutcome[];
  /** Stops issuing requests and resolves once the in-flight ones have ended. */
  stop(): Promise<readonly LoadOutcome[]>;
}

export interface LoadOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** Concurrent request loops, each on its own keep-alive connection at a time. */
  concurrency: number;
  /** Hard cap on requests of the run: a load never runs unbounded. */
  maxRequests: number;
  path(index: number): string;
  /** One request may take this long before it counts as failed. */
  requestTimeoutMs?: number;
  /**
   * Pause of each loop between two requests: caps the rate near `concurrency * 1000 / pauseMs`,
   * so a load leaves CPU to the processes under test on a small machine. Default 0 (flat out).
   */
  pauseMs?: number;
}

/**
 * Steady GET load: `concurrency` loops, each sending its next request as soon as the previous one
 * ended, over keep-alive connections. Every response body is read to the end, so a cut response
 * counts as a failure.
 */
export function startLoad(options: LoadOptions): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const connectionSeenAt = new WeakMap<Socket, number>();
  const outcomes: LoadOutcome[] = [];
  let issued = 0;
  let stopped = false;

  function once(loop: number): Promise<LoadOutcome> {
    const index = issued++;
    const startedAt = Date.now();
    return new Promise((resolve) => {
      let socketSeenAt = startedAt;
      const finish = (fields: Pick<LoadOutcome, "status" | "error" | "servedBy">) =>
        resolve({ loop, startedAt, finishedAt: Date.now(), connectionSeenAt: socketSeenAt, ...fields });
      const req = request(`${options.baseUrl}${options.path(index)}`, { agent }, (res) => {
        const servedBy = res.headers["x-origin"] as string | undefined;
        res.on("error", () => {});
        res.on("aborted", () => finish({ status: null, error: "response cut", servedBy }));
        res.on("end", () => {
          if (res.complete) finish({ status: res.statusCode ?? 0, servedBy });
          else finish({ status: null, error: "response cut", servedBy });
        });
        res.resume();
      });
      req.on("socket", (socket: Socket) => {
        if (!connectionSeenAt.has(socket)) connectionSeenAt.set(socket, Date.now());
        socketSeenAt = connectionSeenAt.get(socket)!;
      });
      req.setTimeout(options.requestTimeoutMs ?? 5_000, () => req.destroy(new Error("client timeout")));
      req.on("error", (error: NodeJS.ErrnoException) => finish({ status: null, error: error.code ?? error.message }));
      req.end();
    });
  }

  async function run(loop: number): Promise<void> {
    const pauseMs = options.pauseMs ?? 0;
    while (!stopped && issued < options.maxRequests) {
      outcomes.push(await once(loop));
      if (pauseMs > 0) await pause(pauseMs);
    }
  }

  const loops = Array.from({ length: options.concurrency }, (_, loop) => run(loop));

  return {
    outcomes,
    failures: () => outcomes.filter((outcome) => outcome.status === null || outcome.status >= 300),
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return outcomes;
    },
  };
}
