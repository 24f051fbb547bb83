import type { RoutePolicies } from "@concierge/config/route-policies";

/** A route's error pages by exact status, then by class; bodies encoded once per revision. */
export interface CompiledErrorPages {
  readonly forOrigin: boolean;
  pageFor(status: number): Buffer | undefined;
}

export function compileErrorPages(config: RoutePolicies["errorPages"]): CompiledErrorPages | null {
  const entries = Object.entries(config.pages);
  if (entries.length === 0) return null;
  const pages = new Map(entries.map(([key, html]) => [key, Buffer.from(html)]));
  return {
    forOrigin: config.forOrigin,
    pageFor: (status) => pages.get(String(status)) ?? pages.get(`${Math.floor(status / 100)}xx`),
  };
}

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The maintenance answer's body: the route's 503 page when it has one, else the message in a small page. */
export function maintenancePage(config: RoutePolicies["maintenance"], pages: CompiledErrorPages | null): Buffer {
  const page = pages?.pageFor(503);
  if (page) return page;
  const message = (config.message ?? "This service is down for maintenance. Please try again later.").replace(
    /[&<>"']/g,
    (char) => escapes[char] ?? char,
  );
  return Buffer.from(
    `<!doctype html><html><head><meta charset="utf-8"><title>Maintenance</title></head><body><h1>Maintenance</h1><p>${message}</p></body></html>\n`,
  );
}
