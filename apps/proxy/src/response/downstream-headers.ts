import type { OutgoingHttpHeader, OutgoingHttpHeaders } from "node:http";

import type { CompiledHeaderRules } from "../config/compile-config.ts";
import { isHopByHop, namedByConnection } from "../guard/hop-by-hop.ts";
import { appendVia } from "../guard/request-shape.ts";

export interface DownstreamAdditions {
  /** The route's response header rules; undefined for an unrouted request. */
  readonly rules: CompiledHeaderRules | undefined;
  /** Our Via entry, appended to the answer's (after the rules). */
  readonly via: string;
  /** Strict-Transport-Security to set, replacing any other; null when it does not apply. */
  readonly hsts: string | null;
  readonly closeConnection: boolean;
}

/**
 * The answer's header block as node's flat `[name, value, …]` list, built in one pass: without
 * hop-by-hop headers, with the route's rules (removals, then sets that replace), our Via entry,
 * HSTS and `Connection: close` when asked. `writeHead` writes such a list as it is, where an
 * object would be copied again; no name appears twice, so HTTP/2 (which sets rather than
 * appends) sees the same fields.
 */
export function toDownstreamHeaders(headers: OutgoingHttpHeaders, additions: DownstreamAdditions): OutgoingHttpHeader[] {
  const { rules, hsts, closeConnection } = additions;
  const named = namedByConnection(headers["connection"]);
  const flat: OutgoingHttpHeader[] = [];
  let via = named?.has("via") ? undefined : headers["via"];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name === "via" || isHopByHop(name, named)) continue;
    if (rules && isRuled(rules, name)) continue;
    if (overridden(name, hsts, closeConnection)) continue;
    flat.push(name, value);
  }
  if (rules && rules.remove.includes("via")) via = undefined;
  for (const [name, value] of rules?.set ?? []) {
    if (name === "via") via = value;
    else if (!overridden(name, hsts, closeConnection)) flat.push(name, value);
  }
  flat.push("via", appendVia(via, additions.via));
  if (hsts !== null) flat.push("strict-transport-security", hsts);
  if (closeConnection) flat.push("connection", "close");
  return flat;
}

function isRuled(rules: CompiledHeaderRules, name: string): boolean {
  if (rules.remove.length === 0 && rules.set.length === 0) return false;
  return rules.remove.includes(name) || rules.set.some(([ruled]) => ruled === name);
}

function overridden(name: string, hsts: string | null, closeConnection: boolean): boolean {
  return (hsts !== null && name === "strict-transport-security") || (closeConnection && name === "connection");
}
