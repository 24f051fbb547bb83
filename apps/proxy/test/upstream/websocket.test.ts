import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";

import { forwardUpgrade } from "../../src/upstream/websocket.ts";
import { createUpstreams } from "../../src/upstream/upstreams.ts";
import { messageText } from "../support/message-text.ts";
import { poolOf, silentLog } from "./support/pools.ts";
import { deadUrl, startOrigin } from "./support/start-origin.ts";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function startProxy(targetUrls: string[]): Promise<string> {
  const upstreams = createUpstreams({ log: silentLog });
  const config = poolOf(targetUrls);
  const pool = upstreams.compile([config]).get(config.id)!;
  const server = createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket, head) =>
    forwardUpgrade(pool, req, socket, head, {
      host: req.headers.host ?? "",
      ...pickWebSocketHeaders(req.headers),
    }),
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanup.push(
    () => upstreams.close(),
    () => new Promise((resolve) => server.close(resolve)),
  );
  server.on("connection", (socket) => cleanup.push(() => Promise.resolve(socket.destroy())));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function pickWebSocketHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith("sec-websocket-") && typeof value === "string") picked[name] = value;
  }
  return picked;
}

async function startEchoOrigin(): Promise<string> {
  const origin = await startOrigin();
  const wss = new WebSocketServer({ server: origin.server });
  wss.on("connection", (socket, req) => {
    socket.send(`path ${req.url}`);
    socket.on("message", (data) => socket.send(`echo ${messageText(data)}`));
  });
  cleanup.push(
    () => origin.kill(),
    () => new Promise((resolve) => wss.close(resolve)),
  );
  return origin.url;
}

describe("forwardUpgrade", () => {
  it("pipes a WebSocket conversation both ways", async () => {
    const proxyUrl = await startProxy([await deadUrl(), await startEchoOrigin()]);
    const client = new WebSocket(`${proxyUrl}/chat?room=1`);
    const messages: string[] = [];
    client.on("message", (data) => messages.push(messageText(data)));
    await once(client, "open");
    client.send("hello");
    client.send("world");
    const deadline = Date.now() + 5_000;
    while (messages.length < 3 && Date.now() < deadline) await once(client, "message");
    expect(messages).toEqual(["path /chat?room=1", "echo hello", "echo world"]);
    client.close();
    await once(client, "close");
  });

  it("answers 502 when no target accepts the connection", async () => {
    const proxyUrl = await startProxy([await deadUrl()]);
    const client = new WebSocket(proxyUrl);
    const [request, response] = (await once(client, "unexpected-response")) as [
      { destroy(): void },
      { statusCode: number },
    ];
    expect(response.statusCode).toBe(502);
    request.destroy();
  });
});
