import { RouteInputSchema, type Route } from "@concierge/config/route";
import type { z } from "zod";

export type RouteDraft = z.output<typeof RouteInputSchema>;

/** Every field at its schema default, so fields added to routes later get theirs too. */
export function newRouteDraft(poolId = ""): RouteDraft {
  const defaults = RouteInputSchema.parse({
    name: "new route",
    hosts: ["*"],
    poolId: "00000000-0000-4000-8000-000000000000",
  });
  return { ...defaults, name: "", poolId };
}

export function toRouteDraft({ id: _id, ...route }: Route): RouteDraft {
  return route;
}

/** `{ "x-a": "1" }` ⇄ "x-a: 1" lines, the way the header rules are edited. */
export function toHeaderLines(set: Record<string, string>): string {
  return Object.entries(set)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}

export function fromHeaderLines(text: string): Record<string, string> {
  const set: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    const name = (colon === -1 ? line : line.slice(0, colon)).trim();
    set[name] = colon === -1 ? "" : line.slice(colon + 1).trim();
  }
  return set;
}
