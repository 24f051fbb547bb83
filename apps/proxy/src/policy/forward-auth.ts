import type { IncomingHttpHeaders } from "node:http";

import type { Access } from "@concierge/config/route-access";
import { request } from "undici";

import { withoutHopByHop } from "../guard/hop-by-hop.ts";

/**
 * Forward authentication: the auth service sees the original request's headers and, in
 * X-Forwarded-Method/-Proto/-Host/-Uri/-For, what was asked. A 2xx lets the request through with
 * the named headers of that answer; any other answer goes back to the client as it came
 * (status, Location, WWW-Authenticate, a small body). An unreachable or slow service → 503.
 */
export interface CompiledForwardAuth {
  ask(request: ForwardAuthRequest): Promise<ForwardAuthOutcome>;
}

export interface ForwardAuthRequest {
  method: string;
  scheme: string;
  host: string;
  /** Path and query as the client sent them. */
  uri: string;
  clientIp: string;
  headers: IncomingHttpHeaders;
}

export type ForwardAuthOutcome =
  | { allowed: true; copy: ReadonlyArray<readonly [string, string]> }
  | { allowed: false; status: number; headers: Record<string, string | string[]>; body: Buffer };

const RELAYED_HEADERS = ["location", "www-authenticate", "content-type", "set-cookie"] as const;
const MAX_RELAYED_BODY_BYTES = 65_536;

async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RELAYED_BODY_BYTES) {
      body.destroy();
      return Buffer.alloc(0);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function compileForwardAuth(config: NonNullable<Access["forwardAuth"]>): CompiledForwardAuth {
  return {
    async ask(original) {
      const headers = withoutHopByHop(original.headers);
      delete headers["content-length"];
      delete headers["transfer-encoding"];
      delete headers["expect"];
      headers["x-forwarded-method"] = original.method;
      headers["x-forwarded-proto"] = original.scheme;
      headers["x-forwarded-host"] = original.host;
      headers["x-forwarded-uri"] = original.uri;
      headers["x-forwarded-for"] = original.clientIp;
      let answer;
      try {
        answer = await request(config.url, {
          method: "GET",
          headers: headers as Record<string, string | string[]>,
          signal: AbortSignal.timeout(config.timeoutMs),
        });
      } catch {
        return { allowed: false, status: 503, headers: { "content-type": "text/plain; charset=utf-8" }, body: Buffer.from("503 authentication service unavailable\n") };
      }
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        answer.body.resume();
        const copy: Array<readonly [string, string]> = [];
        for (const name of config.copyHeaders) {
          const value = answer.headers[name];
          if (value !== undefined) copy.push([name, Array.isArray(value) ? value.join(", ") : value]);
        }
        return { allowed: true, copy };
      }
      const relayed: Record<string, string | string[]> = {};
      for (const name of RELAYED_HEADERS) {
        const value = answer.headers[name];
        if (value !== undefined) relayed[name] = value;
      }
      return { allowed: false, status: answer.statusCode, headers: relayed, body: await readBounded(answer.body) };
    },
  };
}
