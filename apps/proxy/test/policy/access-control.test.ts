import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

import { hash } from "@node-rs/argon2";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "../front/support.ts";

let origin: Origin;
let proxy: Proxy;
let auth: { url: string; seen: IncomingHttpHeaders[]; close(): void };

/** A small auth service: "Bearer good" passes with x-user, "Bearer login" is sent to sign in, others 401. */
async function startAuthService() {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.headers.authorization === "Bearer good") {
      res.writeHead(204, { "x-user": "ada", "x-other": "not copied" }).end();
    } else if (req.headers.authorization === "Bearer login") {
      res.writeHead(302, { location: "https://login.example/" }).end();
    } else {
      res.writeHead(401, { "www-authenticate": "Bearer", "content-type": "text/plain" }).end("who are you");
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`,
    seen,
    close: () => server.close(),
  };
}

beforeAll(async () => {
  origin = await startOrigin();
  auth = await startAuthService();
  const passwordHash = await hash("s3cret");
  proxy = await startProxy({
    snapshot: snapshotOf(
      [origin],
      [
        { hosts: ["denied.test"], policies: { access: { deny: ["127.0.0.0/8"] } } },
        { hosts: ["allowed.test"], policies: { access: { allow: ["10.0.0.0/8", "127.0.0.1"] } } },
        { hosts: ["v6only.test"], policies: { access: { allow: ["2001:db8::/32"] } } },
        { hosts: ["basic.test"], policies: { access: { basicAuth: { realm: "Ops", users: [{ username: "ada", passwordHash }] } } } },
        { hosts: ["fwd.test"], policies: { access: { forwardAuth: { url: auth.url, copyHeaders: ["X-User"] } } } },
        { hosts: ["fwd-down.test"], policies: { access: { forwardAuth: { url: "http://127.0.0.1:1/check", timeoutMs: 1_000 } } } },
      ],
    ),
  });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
  auth.close();
});

function get(host: string, headers: Record<string, string> = {}, path = "/") {
  return request(`${proxy.url}${path}`, { headers: { host, ...headers } });
}

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;

describe("IP allow and deny lists", () => {
  it("refuses a denied address with 403 and lets an allowed one through", async () => {
    const denied = await get("denied.test");
    expect(denied.statusCode).toBe(403);
    await denied.body.text();
    const allowed = await get("allowed.test");
    expect(allowed.statusCode).toBe(200);
    expect(await allowed.body.text()).toBe("ok");
  });

  it("refuses an address outside the allow list (IPv6 list, IPv4 client)", async () => {
    const refused = await get("v6only.test");
    expect(refused.statusCode).toBe(403);
    await refused.body.text();
  });
});

describe("basic auth", () => {
  it("asks for credentials with WWW-Authenticate and refuses wrong ones", async () => {
    const none = await get("basic.test");
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Basic realm="Ops", charset="UTF-8"');
    await none.body.text();
    const wrong = await get("basic.test", { authorization: basic("ada:nope") });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.text();
  });

  it("passes good credentials, repeatedly, without forwarding Authorization", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const passed = await get("basic.test", { authorization: basic("ada:s3cret") }, `/basic-${attempt}`);
      expect(passed.statusCode).toBe(200);
      await passed.body.text();
    }
    const seen = origin.seen.filter((request) => request.url.startsWith("/basic-"));
    expect(seen).toHaveLength(3);
    for (const request of seen) expect(request.headers.authorization).toBeUndefined();
  });
});

describe("forward auth", () => {
  it("passes on 2xx, copying only the named headers, and tells the service what was asked", async () => {
    const passed = await get("fwd.test", { authorization: "Bearer good" }, "/fwd?x=1");
    expect(passed.statusCode).toBe(200);
    await passed.body.text();
    const reached = origin.seen.find((request) => request.url === "/fwd?x=1");
    expect(reached?.headers["x-user"]).toBe("ada");
    expect(reached?.headers["x-other"]).toBeUndefined();
    const asked = auth.seen.at(-1);
    expect(asked).toMatchObject({
      "x-forwarded-method": "GET",
      "x-forwarded-uri": "/fwd?x=1",
      "x-forwarded-host": "fwd.test",
      "x-forwarded-proto": "http",
    });
  });

  it("relays the service's refusal: 401 with its challenge, 302 with its Location", async () => {
    const refused = await get("fwd.test", { authorization: "Bearer bad" });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["www-authenticate"]).toBe("Bearer");
    expect(await refused.body.text()).toBe("who are you");
    const login = await get("fwd.test", { authorization: "Bearer login" });
    expect(login.statusCode).toBe(302);
    expect(login.headers.location).toBe("https://login.example/");
    await login.body.text();
  });

  it("answers 503 when the auth service is down", async () => {
    const down = await get("fwd-down.test");
    expect(down.statusCode).toBe(503);
    await down.body.text();
  });
});
