import type { IncomingHttpHeaders } from "node:http";

/** RFC 9110 §7.6.1: these describe the target's connection to us, not ours to the client. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade"];

/** Removes hop-by-hop fields, those named by Connection included, in place. */
export function stripHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const token of String(connection).split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "") delete headers[name];
    }
  }
  for (const name of HOP_BY_HOP) delete headers[name];
  return headers;
}
