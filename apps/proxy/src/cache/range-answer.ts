/**
 * Range requests on a cache-enabled route (RFC 9110 §14). The cache asks for, stores and
 * coalesces the whole representation, never a part, so a download manager fetching parts one
 * after another or in parallel costs the origin one request; every range is then cut from the
 * whole body. A body over the object limit is not buffered: the range goes to the origin as asked.
 */
import type { OutgoingHttpHeader, OutgoingHttpHeaders } from "node:http";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

import type { CacheableRequest, ProxyResponse } from "../origin.ts";
import { abandonBody } from "../abandon-body.ts";
import type { ByteRange } from "./byte-range.ts";
import { isIfRangeMet, toRangePlan } from "./byte-range.ts";
import { copyHeaders } from "./copy-headers.ts";

/** The request for the whole representation: the one the cache stores and coalesces. */
export function toWholeRequest(request: CacheableRequest): CacheableRequest {
  const headers = copyHeaders(request.headers);
  delete headers.range;
  delete headers["if-range"];
  return { ...request, headers };
}

type Buffered = { complete: true; body: Buffer } | { complete: false; chunks: Buffer[] };

/** Reads a streamed body while it stays within `limitBytes`; past that, pauses it and hands back what was read. */
function bufferWithin(body: Readable, limitBytes: number): Promise<Buffered> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stop = (): void => {
      body.off("data", onData).off("end", onEnd).off("error", onError);
    };
    function onData(chunk: Buffer): void {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > limitBytes) {
        body.pause();
        stop();
        resolve({ complete: false, chunks });
      }
    }
    function onEnd(): void {
      stop();
      resolve({ complete: true, body: Buffer.concat(chunks, bytes) });
    }
    function onError(error: Error): void {
      stop();
      reject(error);
    }
    body.on("data", onData).once("end", onEnd).once("error", onError);
  });
}

async function* prefixed(chunks: readonly Buffer[], rest: Readable): AsyncGenerator<Buffer> {
  yield* chunks;
  for await (const chunk of rest) yield chunk as Buffer;
}

function toContentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** RFC 9110 §14.6: one part per range, each with the representation's type and its own Content-Range. */
function toMultipartBody(
  body: Buffer,
  ranges: readonly ByteRange[],
  contentType: OutgoingHttpHeader | undefined,
  boundary: string,
): Buffer {
  const typeLine =
    contentType === undefined
      ? ""
      : `Content-Type: ${Array.isArray(contentType) ? contentType.join(", ") : String(contentType)}\r\n`;
  const pieces: Buffer[] = [];
  for (const [index, range] of ranges.entries()) {
    const delimiter = index === 0 ? `--${boundary}\r\n` : `\r\n--${boundary}\r\n`;
    pieces.push(
      Buffer.from(
        `${delimiter}${typeLine}Content-Range: ${toContentRange(range, body.length)}\r\n\r\n`,
      ),
    );
    pieces.push(body.subarray(range.start, range.end + 1));
  }
  pieces.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

/** The 206 or 416 a Range field asks of a complete 200 answer, or that answer when the Range is ignored. */
function cutRanges(whole: ProxyResponse, body: Buffer, request: CacheableRequest): ProxyResponse {
  const plan = isIfRangeMet(request.headers, whole.headers)
    ? toRangePlan(request.headers.range, body.length)
    : { kind: "whole" as const };
  const fromStorage = (whole.bytesSaved ?? 0) > 0;
  if (plan.kind === "whole") return { ...whole, body };
  const headers: OutgoingHttpHeaders = copyHeaders(whole.headers);
  if (plan.kind === "unsatisfiable") {
    headers["content-range"] = `bytes */${body.length}`;
    headers["content-length"] = "0";
    delete headers["content-type"];
    return { ...whole, statusCode: 416, headers, body: Buffer.alloc(0), bytesSaved: 0 };
  }
  const [only] = plan.ranges;
  let answer: Buffer;
  if (only && plan.ranges.length === 1) {
    answer = body.subarray(only.start, only.end + 1);
    headers["content-range"] = toContentRange(only, body.length);
  } else {
    const boundary = randomBytes(12).toString("hex");
    answer = toMultipartBody(body, plan.ranges, whole.headers["content-type"], boundary);
    headers["content-type"] = `multipart/byteranges; boundary=${boundary}`;
  }
  headers["content-length"] = String(answer.length);
  return {
    ...whole,
    statusCode: 206,
    headers,
    body: answer,
    bytesSaved: fromStorage ? answer.length : 0,
  };
}

function declaredLength(headers: OutgoingHttpHeaders): number | undefined {
  const value = headers["content-length"];
  return value === undefined ? undefined : Number(value);
}

/**
 * Answers a GET with `Range` from `whole`, the cache's answer to the same request without
 * Range and If-Range. Anything but a 200 (a 304 to the client's own conditionals, an error) is
 * passed on as is. A streamed 200 that declares more than `limitBytes` is dropped and the range
 * goes to the origin (`forwardRange`); one that only turns out bigger is sent whole, as a 200.
 */
export async function answerRange(
  whole: ProxyResponse,
  request: CacheableRequest,
  limitBytes: number,
  forwardRange: () => Promise<ProxyResponse>,
): Promise<ProxyResponse> {
  const { body } = whole;
  if (whole.statusCode !== 200 || body === null) return whole;
  if (Buffer.isBuffer(body)) return cutRanges(whole, body, request);
  if ((declaredLength(whole.headers) ?? 0) > limitBytes) {
    abandonBody(body);
    return forwardRange();
  }
  const buffered = await bufferWithin(body, limitBytes);
  if (buffered.complete) return cutRanges(whole, buffered.body, request);
  return { ...whole, body: Readable.from(prefixed(buffered.chunks, body), { objectMode: false }) };
}
