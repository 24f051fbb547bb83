import { formatPath } from "@concierge/config/format-issues";
import type { z } from "zod";

import { ApiError } from "./fetch-json.ts";

/** Field path (`targets[0].url`) → first message; "" holds errors about the whole form. */
export type FieldErrorMap = Record<string, string>;

function toMap(errors: readonly { path: string; message: string }[]): FieldErrorMap {
  const map: FieldErrorMap = {};
  for (const { path, message } of errors) map[path] ??= message;
  return map;
}

export function fieldErrorsFromIssues(issues: readonly z.core.$ZodIssue[]): FieldErrorMap {
  return toMap(issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })));
}

/** The problem+json `errors[]` of a failed call, or its detail under "" when it names no field. */
export function fieldErrorsFromFailure(error: unknown): FieldErrorMap {
  if (error instanceof ApiError) {
    const errors = error.problem?.errors ?? [];
    return errors.length > 0 ? toMap(errors) : { "": error.message };
  }
  return { "": "The server could not be reached" };
}

/** Errors whose path is not shown next to any field, so the form can list them at the top. */
export function unplacedErrors(errors: FieldErrorMap, placed: (path: string) => boolean): string[] {
  return Object.entries(errors)
    .filter(([path]) => !placed(path))
    .map(([path, message]) => (path === "" ? message : `${path}: ${message}`));
}
