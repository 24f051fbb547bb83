import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "./support.ts";

let dashboard: Origin;
let shop: Origin;
let proxy: Proxy;

beforeAll(async () => {
  [dashboard, shop] = await Promise.all([startOrigin(), startOrigin()]);
  proxy = await startProxy({
    dashboardOrigin: dashboard.url,
    snapshot: snapshotOf(
      [dashboard, shop],
      [
        { hosts: ["ops.example"], pathPrefix: "/", pool: 0 },
        { hosts: ["shop.example"], pathPrefix: "/", pool: 1 },
      ],
    ),
  });
});
afterAll(async () => {
  await proxy.close();
  await Promise.all([dashboard.close(), shop.close()]);
});

async function cookieSeenBehind(host: string, origin: Origin): Promise<unknown> {
  const response = await request(`${proxy.url}/`, {
    headers: { host, cookie: "concierge_session=secret-session; theme=dark" },
  });
  await response.body.dump();
  return origin.seen.at(-1)?.headers.cookie;
}

describe("the dashboard's session cookie", () => {
  it("never reaches an origin", async () => {
    expect(await cookieSeenBehind("shop.example", shop)).toBe("theme=dark");
  });

  it("still reaches the dashboard when Concierge serves it", async () => {
    expect(await cookieSeenBehind("ops.example", dashboard)).toBe("concierge_session=secret-session; theme=dark");
  });
});
