import type { RoutePolicies } from "@concierge/config/route-policies";

/**
 * A redirect target template split once per revision into literal parts and `$host`, `$path`,
 * `$query` slots; filling it is one concatenation per request.
 */
export interface CompiledRedirect {
  readonly status: number;
  location(host: string, path: string, query: string): string;
}

type Part = string | { readonly slot: "host" | "path" | "query" };

export function compileRedirect(config: NonNullable<RoutePolicies["redirect"]>): CompiledRedirect {
  const parts: Part[] = config.to
    .split(/(\$host|\$path|\$query)/)
    .filter((part) => part !== "")
    .map((part) => (part.startsWith("$") ? { slot: part.slice(1) as "host" | "path" | "query" } : part));
  return {
    status: config.status,
    location(host, path, query) {
      let out = "";
      for (const part of parts) {
        if (typeof part === "string") out += part;
        else if (part.slot === "host") out += host;
        else if (part.slot === "path") out += path;
        else if (query !== "") out += `?${query}`;
      }
      return out;
    },
  };
}

/** RFC 6797 §6.1 header value. */
export function hstsValue(config: NonNullable<RoutePolicies["hsts"]>): string {
  return `max-age=${config.maxAgeSeconds}${config.includeSubDomains ? "; includeSubDomains" : ""}${config.preload ? "; preload" : ""}`;
}
