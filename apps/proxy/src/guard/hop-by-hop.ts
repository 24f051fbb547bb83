/**
 * RFC 9110 §7.6.1: headers that describe one connection, not the message. A proxy removes
 * them, and every header the Connection header names, before passing a message on — in both
 * directions.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  // Not connection-specific in RFC 9110, but node refuses to write it on an answer it does not
  // send chunked (a cached one, HEAD, HTTP/1.0): trailer fields pass on without their announcement.
  "trailer",
  "transfer-encoding",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
]);

type HeaderBag = Record<string, string | string[] | number | undefined>;

/**
 * The header names a Connection header lists, lower-cased; undefined when it names none beyond
 * the hop-by-hop headers themselves, as the everyday `keep-alive` and `close` do.
 */
export function namedByConnection(connection: HeaderBag[string]): Set<string> | undefined {
  if (connection === undefined || isEverydayConnection(connection)) return undefined;
  const values = Array.isArray(connection) ? connection : [String(connection)];
  const named = new Set<string>();
  for (const value of values) {
    for (const token of value.split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "") named.add(name);
    }
  }
  return named;
}

function isEverydayConnection(connection: HeaderBag[string]): boolean {
  if (typeof connection !== "string") return false;
  const value = connection.length === 10 || connection.length === 5 ? connection.toLowerCase() : "";
  return value === "keep-alive" || value === "close";
}

export function isHopByHop(name: string, namedByConnection: ReadonlySet<string> | undefined): boolean {
  return HOP_BY_HOP_HEADERS.has(name) || namedByConnection?.has(name) === true;
}

/** A copy of `headers` (lower-cased names) without hop-by-hop headers and unset values. */
export function withoutHopByHop<Headers extends HeaderBag>(headers: Headers): Headers {
  const named = namedByConnection(headers["connection"]);
  const kept: HeaderBag = {};
  for (const name in headers) {
    if (headers[name] === undefined || isHopByHop(name, named)) continue;
    kept[name] = headers[name];
  }
  return kept as Headers;
}

/** The same rule applied to an origin's answer before it goes downstream. */
export const responseWithoutHopByHop = withoutHopByHop;

/**
 * RFC 9110 §6.5.1: a trailer field must not carry what frames, routes, authenticates or controls
 * the message, nor how its content is processed; such fields, and hop-by-hop ones, are dropped
 * and the rest pass on. Undefined when nothing is left, as for nearly every answer.
 */
export function forwardableTrailers(trailers: HeaderBag): Record<string, string> | undefined {
  let kept: Record<string, string> | undefined;
  for (const name in trailers) {
    const value = trailers[name];
    if (value === undefined || FIELDS_NOT_ALLOWED_IN_TRAILERS.has(name) || isHopByHop(name, undefined)) continue;
    (kept ??= {})[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return kept;
}

const FIELDS_NOT_ALLOWED_IN_TRAILERS: ReadonlySet<string> = new Set([
  "content-length",
  "content-type",
  "content-encoding",
  "content-range",
  "host",
  "authorization",
  "set-cookie",
  "cache-control",
  "expires",
  "age",
  "date",
  "location",
  "retry-after",
  "vary",
]);
