import { formatPath } from "@concierge/config/format-issues";
import type { z } from "zod";

import type { FieldError } from "./errors.ts";

export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** `routes[2].pathPrefix: must start with "/"` → `{ path: "routes[2].pathPrefix", message }`. */
export function fieldErrorFromLine(line: string): FieldError {
  const match = /^([\w$]+(?:\[\d+\]|\.[\w$]+)*): (.*)$/s.exec(line);
  return match ? { path: match[1] ?? "", message: match[2] ?? line } : { path: "", message: line };
}
