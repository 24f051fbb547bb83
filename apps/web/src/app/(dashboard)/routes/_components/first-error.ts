import type { FieldErrorMap } from "../../../../client/field-error-map.ts";

/** The first message at `path` or under it (`hosts`, `hosts[2]`, `policies.hsts.maxAgeSeconds`). */
export function firstError(errors: FieldErrorMap, path: string): string | undefined {
  return Object.entries(errors).find(
    ([candidate]) => candidate === path || candidate.startsWith(`${path}[`) || candidate.startsWith(`${path}.`),
  )?.[1];
}
