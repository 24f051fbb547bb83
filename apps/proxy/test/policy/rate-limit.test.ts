import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "../front/support.ts";

let origin: Origin;
let proxy: Proxy;
let releaseSlow: () => void = () => {};
const slowArrived: Array<() => void> = [];

beforeAll(async () => {
  origin = await startOrigin((req, res) => {
    if (req.url === "/slow") {
      slowArrived.shift()?.();
      releaseSlow = () => res.end("slow");
      return;
    }
    res.end("ok");
  });
  proxy = await startProxy({
    snapshot: snapshotOf(
      [origin],
      [
        // A rate this low never refills a token within the test.
        { hosts: ["client.test"], policies: { rateLimit: { client: { requestsPerSecond: 0.001, burst: 3 } } } },
        { hosts: ["route.test"], policies: { rateLimit: { route: { requestsPerSecond: 0.001, burst: 2 } } } },
        { hosts: ["cap.test"], policies: { rateLimit: { maxConcurrent: 1 } } },
      ],
    ),
  });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

async function statusOf(host: string, path = "/", headers: Record<string, string> = {}): Promise<{ status: number; retryAfter: unknown }> {
  const response = await request(`${proxy.url}${path}`, { headers: { host, ...headers } });
  await response.body.text();
  return { status: response.statusCode, retryAfter: response.headers["retry-after"] };
}

describe("rate limits", () => {
  it("lets a client use its burst, then answers 429 with Retry-After", async () => {
    const results = [];
    for (let index = 0; index < 5; index++) results.push(await statusOf("client.test"));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 429, 429]);
    expect(Number(results[3]?.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("limits the route as a whole", async () => {
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await statusOf("route.test")).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it("caps requests in flight on the route and frees the slot when one ends", async () => {
    const arrived = new Promise<void>((resolve) => slowArrived.push(resolve));
    const slow = statusOf("cap.test", "/slow");
    await arrived;
    const refused = await statusOf("cap.test");
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe("1");
    releaseSlow();
    expect((await slow).status).toBe(200);
    expect((await statusOf("cap.test")).status).toBe(200);
  });
});
