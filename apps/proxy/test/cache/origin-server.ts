import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { request as undiciRequest } from "undici";

import type { CacheableRequest, FetchOrigin } from "../../src/origin.ts";

export type OriginHandler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

export interface TestOrigin {
  /** What the origin received, in arrival order. */
  readonly requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  /** A FetchOrigin that sends the request's path and query to this origin, as upstream/ would. */
  fetcherFor(request: CacheableRequest): FetchOrigin;
  close(): Promise<void>;
}

/** Removed by upstream/ before the cache sees an answer. */
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding"];

export async function startOrigin(handler: OriginHandler): Promise<TestOrigin> {
  const requests: TestOrigin["requests"] = [];
  const server = createServer((req, res) => {
    const index = requests.length;
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    handler(req, res, index);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    requests,
    fetcherFor(request) {
      const target = `http://127.0.0.1:${port}${request.path}${request.query === "" ? "" : `?${request.query}`}`;
      return async ({ method, headers }) => {
        const response = await undiciRequest(target, {
          method: method as "GET",
          headers: { ...headers, host: request.host },
        });
        const cleaned: IncomingHttpHeaders = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (!HOP_BY_HOP.includes(name)) cleaned[name] = value;
        }
        return { statusCode: response.statusCode, headers: cleaned, body: response.body };
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
