import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** One satisfiable byte range of a body, both ends inclusive (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a `Range` field asks of a body of a given size (RFC 9110 §14.2). */
export type RangePlan =
  /** Answer 200 with the whole body: no usable Range, or one refused as pathological. */
  | { kind: "whole" }
  /** Answer 206: one range as is, several as multipart/byteranges, in the order asked. */
  | { kind: "parts"; ranges: readonly ByteRange[] }
  /** Answer 416 with a Content-Range of "bytes *" and the size. */
  | { kind: "unsatisfiable" };

/**
 * More ranges than this in one request are refused (the whole body is sent instead, as nginx does
 * past `max_ranges`): a download manager asks one range per request, a few at most.
 */
export const MAX_RANGES = 32;

const WHOLE: RangePlan = { kind: "whole" };
const UNSATISFIABLE: RangePlan = { kind: "unsatisfiable" };
const RANGES_PREFIX = /^bytes\s*=/i;
const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

interface RequestedRange extends ByteRange {
  order: number;
}

/** The range one spec asks for: null when unsatisfiable, undefined when not a byte range spec at all. */
function toRequestedRange(
  spec: string,
  size: number,
  order: number,
): RequestedRange | null | undefined {
  const suffix = SUFFIX_RANGE.exec(spec);
  if (suffix) {
    const length = Number(suffix[1]);
    return length === 0 || size === 0
      ? null
      : { start: Math.max(0, size - length), end: size - 1, order };
  }
  const int = INT_RANGE.exec(spec);
  if (!int) return undefined;
  const start = Number(int[1]);
  const last = int[2] === "" ? Number.POSITIVE_INFINITY : Number(int[2]);
  if (last < start) return undefined;
  return start >= size ? null : { start, end: Math.min(last, size - 1), order };
}

/**
 * RFC 9110 §14.6: overlapping and adjacent ranges become one, placed where the first of them was
 * asked, so the parts still come in the client's order.
 */
function coalesce(ranges: RequestedRange[]): ByteRange[] {
  const byStart = ranges.toSorted((a, b) => a.start - b.start);
  const merged: RequestedRange[] = [];
  for (const range of byStart) {
    const previous = merged.at(-1);
    if (previous && range.start <= previous.end + 1) {
      previous.end = Math.max(previous.end, range.end);
      previous.order = Math.min(previous.order, range.order);
    } else {
      merged.push({ ...range });
    }
  }
  return merged.sort((a, b) => a.order - b.order).map(({ start, end }) => ({ start, end }));
}

/**
 * Reads `Range: bytes=…` against a body of `size` bytes. A field that is not a valid byte-ranges
 * specifier is ignored (RFC 9110 §14.2 allows it). Requests that look like abuse are answered
 * with the whole body, as nginx does: more than `MAX_RANGES` ranges, or ranges that together ask
 * for more bytes than the body has (many small overlapping ones, §14.2's denial-of-service case).
 */
export function toRangePlan(header: string | undefined, size: number): RangePlan {
  if (header === undefined || !RANGES_PREFIX.test(header)) return WHOLE;
  const specs = header
    .replace(RANGES_PREFIX, "")
    .split(",")
    .map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  if (specs.length === 0 || specs.length > MAX_RANGES) return WHOLE;
  const satisfiable: RequestedRange[] = [];
  let requestedBytes = 0;
  for (const [order, spec] of specs.entries()) {
    const range = toRequestedRange(spec, size, order);
    if (range === undefined) return WHOLE;
    if (range === null) continue;
    satisfiable.push(range);
    requestedBytes += range.end - range.start + 1;
  }
  if (satisfiable.length === 0) return UNSATISFIABLE;
  if (requestedBytes > size) return WHOLE;
  return { kind: "parts", ranges: coalesce(satisfiable) };
}

/** A strong entity tag (RFC 9110 §8.8.3): `W/` ones never match If-Range. */
function isStrongTag(tag: string): boolean {
  return tag.startsWith('"');
}

/**
 * RFC 9110 §13.1.5: the Range applies only when If-Range still names this representation: the
 * same strong entity tag, or its Last-Modified date when that date is strong (a second or more
 * before the answer's Date, §8.8.2.2).
 */
export function isIfRangeMet(
  requestHeaders: IncomingHttpHeaders,
  responseHeaders: OutgoingHttpHeaders,
): boolean {
  const field = requestHeaders["if-range"];
  if (field === undefined) return true;
  if (typeof field !== "string") return false;
  const ifRange = field.trim();
  if (ifRange.startsWith('"') || ifRange.startsWith("W/")) {
    const etag = responseHeaders.etag;
    return typeof etag === "string" && isStrongTag(ifRange) && etag === ifRange;
  }
  const lastModified = Date.parse(String(responseHeaders["last-modified"] ?? ""));
  const date = Date.parse(String(responseHeaders.date ?? ""));
  return Date.parse(ifRange) === lastModified && date - lastModified >= 1000;
}
