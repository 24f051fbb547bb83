import { connect } from "node:net";
import { once } from "node:events";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../../../packages/db/test-support/wait-for.ts";
import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "./support.ts";

let origin: Origin;
let proxy: Proxy;
beforeAll(async () => {
  // Headers and a first chunk, then the origin holds the answer open.
  origin = await startOrigin((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first chunk\n");
  });
  proxy = await startProxy({ snapshot: snapshotOf([origin], [{ hosts: ["*"], pathPrefix: "/" }]) });
});
afterAll(async () => {
  await proxy.close();
  await origin.close();
});

describe("a client that leaves mid-answer", () => {
  it("is counted as a client abort, never as an origin failure", async () => {
    const socket = connect(proxy.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /stream HTTP/1.1\r\nHost: shop.example\r\n\r\n");
    await once(socket, "data");
    socket.destroy();

    const abortedRequests = /concierge_requests_total\{[^}]*status_class="4xx"[^}]*\} 1/;
    await waitFor(() => abortedRequests.test(proxy.runtime.metrics.toPrometheus()), {
      what: "the abandoned request to be recorded",
    });
    expect(proxy.runtime.metrics.toPrometheus()).not.toMatch(/status_class="5xx"[^}]*\} [1-9]/);
  });
});
