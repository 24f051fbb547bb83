import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type ClientInfo, resolveClient } from "./client-info.ts";

let trustedProxies: string[] = [];
const server = createServer((req: IncomingMessage, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(resolveClient(req, trustedProxies)));
});

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
});

afterAll(async () => {
  server.close();
  await once(server, "close");
});

async function resolveWith(
  trusted: string[],
  headers: Record<string, string>,
): Promise<ClientInfo> {
  trustedProxies = trusted;
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/`, { headers });
  return (await response.json()) as ClientInfo;
}

describe("resolveClient", () => {
  const forwarded = {
    "x-forwarded-for": "203.0.113.9, 198.51.100.7",
    "x-forwarded-proto": "https",
  };

  it("ignores forwarding headers from a peer that is not a trusted proxy", async () => {
    expect(await resolveWith([], forwarded)).toEqual({ address: "127.0.0.1", https: false });
  });

  it("believes a trusted proxy: the nearest untrusted hop is the client", async () => {
    expect(await resolveWith(["127.0.0.1"], forwarded)).toEqual({
      address: "198.51.100.7",
      https: true,
    });
  });

  it("skips every trusted hop, so a client cannot pick its address by prepending one", async () => {
    expect(await resolveWith(["127.0.0.1", "198.51.100.7"], forwarded)).toEqual({
      address: "203.0.113.9",
      https: true,
    });
  });
});
