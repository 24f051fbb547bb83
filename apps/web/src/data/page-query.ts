import { z } from "zod";

import { InvalidInputError } from "./errors.ts";
import { toFieldErrors } from "./field-errors.ts";

const PageQuerySchema = z.object({
  /** Keyset pagination: only items whose number/id is below this. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.output<typeof PageQuerySchema>;

export function readPageQuery(url: string): PageQuery {
  const { searchParams } = new URL(url);
  const parsed = PageQuerySchema.safeParse({
    before: searchParams.get("before") ?? undefined,
    limit: searchParams.get("limit") ?? undefined,
  });
  if (!parsed.success)
    throw new InvalidInputError("Invalid query", toFieldErrors(parsed.error.issues));
  return parsed.data;
}
