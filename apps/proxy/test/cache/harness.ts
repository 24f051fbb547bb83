import type { IncomingHttpHeaders } from "node:http";

import { CacheRuleSchema } from "@concierge/config/cache-rule";
import type { CacheRuleInput } from "@concierge/config/cache-rule";

import type { CacheableRequest, ProxyResponse } from "../../src/origin.ts";

/** An injected clock: tests move time instead of waiting for it. */
export function createClock(startMs = Date.now()) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advanceSeconds(seconds: number) {
      nowMs += seconds * 1000;
    },
  };
}

export function toRequest(
  input: {
    method?: string;
    host?: string;
    path?: string;
    query?: string;
    headers?: IncomingHttpHeaders;
    rule?: CacheRuleInput;
    scheme?: "http" | "https";
  } = {},
): CacheableRequest {
  return {
    method: input.method ?? "GET",
    scheme: input.scheme ?? "http",
    host: input.host ?? "shop.example",
    path: input.path ?? "/item",
    query: input.query ?? "",
    headers: input.headers ?? {},
    rule: CacheRuleSchema.parse({ enabled: true, ...input.rule }),
    routeId: "route-1",
  };
}

export async function readBody(response: ProxyResponse): Promise<string> {
  const { body } = response;
  if (body === null) return "";
  if (Buffer.isBuffer(body)) return body.toString();
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
