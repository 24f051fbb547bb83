import { request } from "node:https";

/** One GET over TLS to a loopback port, naming `host` in SNI and Host; any certificate accepted. */
function statusOf(options: { port: number; host: string; path: string; timeoutMs: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: options.port,
      path: options.path,
      servername: options.host,
      headers: { host: `${options.host}:${options.port}` },
      rejectUnauthorized: false,
      agent: false,
      timeout: options.timeoutMs,
    });
    req.once("timeout", () => req.destroy(new Error("no answer in time")));
    req.once("error", reject);
    req.once("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.end();
  });
}

/**
 * Polls until `path` answers 200 over TLS: the port is open, a certificate is served and the
 * route reaches a target the node believes healthy. Throws after `timeoutMs` with the last outcome.
 */
export async function waitForHttpsAnswer(options: {
  port: number;
  host: string;
  path: string;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = "no attempt";
  while (Date.now() < deadline) {
    try {
      const status = await statusOf({ ...options, timeoutMs: Math.max(1, deadline - Date.now()) });
      if (status === 200) return;
      last = `status ${status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`https://${options.host}:${options.port}${options.path} did not answer 200 within ${options.timeoutMs} ms (${last})`);
}
