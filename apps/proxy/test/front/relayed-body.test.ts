import { once } from "node:events";
import { connect } from "node:net";
import type { ServerResponse } from "node:http";

import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../../../packages/db/test-support/wait-for.ts";
import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "./support.ts";

const CHUNK = Buffer.alloc(64 * 1024, "r");
const TOTAL_BYTES = 64 * 1024 * 1024;

/** What the origin of the large answer went through: how far it wrote, and whether it is held back now. */
const large = { written: 0, waitingForDrain: false, closedEarly: false };

/** Writes 64 MiB as fast as the connection takes it, waiting for `drain` whenever a write is refused. */
function sendLarge(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(TOTAL_BYTES) });
  res.on("close", () => {
    if (!res.writableFinished) large.closedEarly = true;
  });
  const writeMore = (): void => {
    while (large.written < TOTAL_BYTES) {
      large.written += CHUNK.length;
      if (!res.write(CHUNK)) {
        large.waitingForDrain = true;
        res.once("drain", () => {
          large.waitingForDrain = false;
          writeMore();
        });
        return;
      }
    }
    res.end();
  };
  writeMore();
}

/** A chunked answer whose checksum follows the body, beside a field trailers may not carry. */
function sendWithTrailers(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain", trailer: "x-checksum, content-type" });
  res.write("first part, ");
  res.addTrailers({ "x-checksum": "sha256=abc", "content-type": "text/html" });
  res.end("last part");
}

let origin: Origin;
let proxy: Proxy;
beforeAll(async () => {
  origin = await startOrigin((req, res) => {
    if (req.url === "/large") sendLarge(res);
    else if (req.url === "/trailers") sendWithTrailers(res);
    else res.end("ok");
  });
  // No cache rule: the origin's answer is relayed chunk by chunk into the client's.
  proxy = await startProxy({ snapshot: snapshotOf([origin], [{ hosts: ["*"], pathPrefix: "/" }]) });
});
afterAll(async () => {
  await proxy.close();
  await origin.close();
});

describe("an origin's answer relayed to the client", () => {
  it("moves at the client's pace: an origin whose client stops reading is held back, then all of it arrives", async () => {
    const socket = connect(proxy.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /large HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n");
    socket.pause();

    await waitFor(() => large.waitingForDrain && large.written >= 1024 * 1024, {
      what: "the origin to be held back by the paused client",
    });
    // An absence can only be observed over a window: in a second, socket buffers growing on both
    // sides take a few MiB more; without backpressure the proxy would take all 64 MiB into memory.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(large.written).toBeLessThan(TOTAL_BYTES / 4);

    let received = 0;
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.resume();
    await once(socket, "end");
    const headerBytes = received - TOTAL_BYTES;
    expect(headerBytes).toBeGreaterThan(0);
    expect(headerBytes).toBeLessThan(1024);
    expect(large.closedEarly).toBe(false);
  });

  it("passes the origin's trailer fields on after the body, without the ones a trailer may not carry", async () => {
    const answer = await request(`${proxy.url}/trailers`, { headers: { host: "shop.example" } });
    expect(await answer.body.text()).toBe("first part, last part");
    expect(answer.headers["content-type"]).toBe("text/plain");
    expect(answer.trailers).toEqual({ "x-checksum": "sha256=abc" });
  });

  it("stops the origin's exchange when the client leaves mid-answer, and keeps serving", async () => {
    Object.assign(large, { written: 0, waitingForDrain: false, closedEarly: false });
    const socket = connect(proxy.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /large HTTP/1.1\r\nHost: shop.example\r\n\r\n");
    socket.pause();
    await waitFor(() => large.waitingForDrain, { what: "the answer to be under way" });
    socket.destroy();

    await waitFor(() => large.closedEarly, { what: "the origin's connection to be let go" });
    expect(large.written).toBeLessThan(TOTAL_BYTES);
    const after = await fetch(`${proxy.url}/small`);
    expect(after.status).toBe(200);
    expect(await after.text()).toBe("ok");
  });
});
