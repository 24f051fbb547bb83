import { z } from "zod";

/** A PATCH body: a JSON object, merged into the current object by `applyMergePatch`. */
export const MergePatchSchema = z.record(z.string(), z.unknown());

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * RFC 7396 JSON Merge Patch: objects merge key by key, `null` removes a key, anything else
 * (arrays included) replaces the value.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
