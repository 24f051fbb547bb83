import type { IncomingHttpHeaders } from "node:http";
import { pipeline } from "node:stream";
import { constants, createBrotliCompress, createGzip } from "node:zlib";

import type { RoutePolicies } from "@concierge/config/route-policies";

import type { OriginResponse } from "../origin.ts";

/**
 * gzip / brotli on the way from the origin, before the cache stores the answer. The request's
 * Accept-Encoding is first narrowed to the one coding we will use (`br`, `gzip` or `identity`), and
 * compressible answers carry `Vary: Accept-Encoding`: the cache's Vary handling then keeps exactly
 * one stored copy per coding, whatever spelling of Accept-Encoding the clients send.
 * Left alone: already-encoded answers, `no-transform`, non-200 answers (never a 206), small bodies.
 */
export type Coding = "br" | "gzip" | "identity";

export interface CompiledCompression {
  readonly minBytes: number;
  isCompressibleType(contentType: string): boolean;
}

export function compileCompression(config: RoutePolicies["compression"]): CompiledCompression | null {
  if (!config.enabled) return null;
  const exact = new Set<string>();
  const anySubtype = new Set<string>();
  const suffixes: Array<readonly [type: string, suffix: string]> = [];
  for (const pattern of config.types) {
    const [type = "", subtype = ""] = pattern.split("/");
    if (subtype === "*") anySubtype.add(type);
    else if (subtype.startsWith("*+")) suffixes.push([type, subtype.slice(1)]);
    else exact.add(pattern);
  }
  return {
    minBytes: config.minBytes,
    isCompressibleType(contentType) {
      const mediaType = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
      // A stream of events must reach the client as it is written, not when a deflate block fills.
      if (mediaType === "text/event-stream") return false;
      if (exact.has(mediaType)) return true;
      const slash = mediaType.indexOf("/");
      const type = mediaType.slice(0, slash);
      if (anySubtype.has(type)) return true;
      return suffixes.some(([suffixType, suffix]) => suffixType === type && mediaType.endsWith(suffix));
    },
  };
}

const PREFERENCE: Record<string, number> = { br: 2, gzip: 1 };

/** RFC 9110 §12.5.3: the best of br / gzip the client accepts (q > 0), brotli on a tie; else identity. */
export function negotiateCoding(acceptEncoding: string | undefined): Coding {
  if (acceptEncoding === undefined || acceptEncoding === "") return "identity";
  let best: Coding = "identity";
  let bestQ = 0;
  let wildcardQ = -1;
  const seen = new Set<string>();
  for (const entry of acceptEncoding.split(",")) {
    const [rawName = "", ...params] = entry.split(";");
    const name = rawName.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (match) q = Number(match[1]);
    }
    if (name === "*") wildcardQ = q;
    if (name !== "br" && name !== "gzip" && name !== "x-gzip") continue;
    const coding = name === "br" ? "br" : "gzip";
    seen.add(coding);
    if (q > bestQ || (q === bestQ && q > 0 && (PREFERENCE[coding] ?? 0) > (PREFERENCE[best] ?? 0))) {
      best = coding;
      bestQ = q;
    }
  }
  if (wildcardQ > bestQ) {
    if (!seen.has("br")) return "br";
    if (!seen.has("gzip")) return "gzip";
  }
  return bestQ > 0 ? best : "identity";
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}

function addVary(headers: IncomingHttpHeaders): void {
  const vary = headerText(headers.vary);
  if (vary === "") headers.vary = "Accept-Encoding";
  else if (vary.trim() !== "*" && !/(^|,)\s*accept-encoding\s*(,|$)/i.test(vary)) headers.vary = `${vary}, Accept-Encoding`;
}

/** The origin's answer, compressed with `coding` when the policy allows it. */
export function compressOrigin(
  origin: OriginResponse,
  coding: Coding,
  compression: CompiledCompression,
): OriginResponse {
  const { headers } = origin;
  if (origin.statusCode !== 200 || headers["content-encoding"] !== undefined) return origin;
  if (/(^|,)\s*no-transform\s*(,|$)/i.test(headerText(headers["cache-control"]))) return origin;
  if (!compression.isCompressibleType(headerText(headers["content-type"]))) return origin;
  const length = headers["content-length"] === undefined ? undefined : Number(headers["content-length"]);
  if (length !== undefined && length < compression.minBytes) return origin;

  const varied = { ...headers };
  addVary(varied);
  if (coding === "identity") return { ...origin, headers: varied };

  const encoder =
    coding === "br"
      ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })
      : createGzip({ level: 6 });
  pipeline(origin.body, encoder, () => {});
  varied["content-encoding"] = coding;
  delete varied["content-length"];
  // RFC 9110 §8.8.3: the encoded bytes differ, so a strong validator would lie.
  const etag = headerText(varied.etag);
  if (etag.startsWith('"')) varied.etag = `W/${etag}`;
  return { statusCode: origin.statusCode, headers: varied, body: encoder };
}
