import type { z } from "zod";

import { InvalidInputError } from "./errors.ts";
import { toFieldErrors } from "./field-errors.ts";
import { applyMergePatch } from "./merge-patch.ts";

/**
 * Applies a JSON merge patch to an object's current input form and validates the whole result
 * with its input schema, so a patch can never produce what a create would refuse.
 */
export function patchConfigObject<Schema extends z.ZodType>(
  schema: Schema,
  current: object,
  patch: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(applyMergePatch(current, patch));
  if (!parsed.success) {
    throw new InvalidInputError("Some fields need attention", toFieldErrors(parsed.error.issues));
  }
  return parsed.data;
}
