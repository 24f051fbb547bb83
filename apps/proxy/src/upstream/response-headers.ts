import type { IncomingHttpHeaders } from "node:http";

import { namedByConnection } from "../guard/hop-by-hop.ts";

/** RFC 9110 §7.6.1: these describe the target's connection to us, not ours to the client. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(["connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade"]);

/**
 * The target's fields without the hop-by-hop ones, those named by Connection included. Built as a
 * copy: deleting fields would turn the object into a slow dictionary for every later read.
 */
export function stripHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = namedByConnection(headers.connection);
  const kept: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || named?.has(name) === true) continue;
    kept[name] = headers[name];
  }
  return kept;
}
