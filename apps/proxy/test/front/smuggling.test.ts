import { afterAll, beforeAll, describe } from "vitest";

import { http1AdversarialCases } from "./http1-adversarial-suite.ts";
import {
  rawExchange,
  snapshotOf,
  startOrigin,
  startProxy,
  type Origin,
  type Proxy,
} from "./support.ts";

let origin: Origin;
let proxy: Proxy;

beforeAll(async () => {
  origin = await startOrigin();
  proxy = await startProxy({ snapshot: snapshotOf([origin], [{ pathPrefix: "/" }]) });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

describe("request smuggling shapes over plain HTTP/1.1", () => {
  http1AdversarialCases(() => ({
    exchange: (request) => rawExchange(proxy.port, request),
    seen: () => origin.seen,
  }));
});
