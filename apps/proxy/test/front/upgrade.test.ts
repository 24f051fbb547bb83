import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";

import { messageText } from "../support/message-text.ts";
import {
  rawExchange,
  snapshotOf,
  startProxy,
  statusOf,
  type Origin,
  type Proxy,
} from "./support.ts";

let server: Server;
let proxy: Proxy;
const upgradeHeaders: Array<Record<string, string | string[] | undefined>> = [];

beforeAll(async () => {
  server = createServer((_req, res) => res.end("plain"));
  const sockets = new WebSocketServer({ server });
  sockets.on("connection", (socket, req) => {
    upgradeHeaders.push(req.headers);
    socket.on("message", (data) => socket.send(`echo ${messageText(data)}`));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin: Origin = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: [],
    close: async () => {},
  };
  proxy = await startProxy({
    snapshot: snapshotOf([origin], [{ hosts: ["ws.example"], pathPrefix: "/" }]),
  });
});

afterAll(async () => {
  await proxy.close();
  server.closeAllConnections();
  server.close();
});

describe("upgrades", () => {
  it("pipes a WebSocket through to the route's pool", async () => {
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/chat`, {
      headers: { host: "ws.example" },
    });
    await once(client, "open");
    client.send("hi");
    const [reply] = await once(client, "message");
    expect(String(reply)).toBe("echo hi");
    expect(upgradeHeaders.at(-1)?.["x-forwarded-for"]).toBe("127.0.0.1");
    client.close();
    await once(client, "close");
  });

  it("refuses an h2c upgrade", async () => {
    const exchange = await rawExchange(
      proxy.port,
      "GET / HTTP/1.1\r\nHost: ws.example\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n",
    );
    expect(statusOf(exchange)).toBe(400);
    expect(exchange.closed).toBe(true);
  });

  it("answers a WebSocket upgrade with no route 404", async () => {
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/chat`, {
      headers: { host: "nowhere.example" },
    });
    client.on("error", () => {});
    const [, response] = await once(client, "unexpected-response");
    expect(response.statusCode).toBe(404);
  });
});
