import type { CompiledHeaderRules } from "../config/compile-config.ts";

/** A route's header rules on one direction: removals first, then sets (which replace). */
export function applyHeaderRules(
  headers: Record<string, string | string[] | number | undefined>,
  rules: CompiledHeaderRules,
): void {
  for (const name of rules.remove) delete headers[name];
  for (const [name, value] of rules.set) headers[name] = value;
}
