import { describe, expect, it } from "vitest";

import { CertificateAutoRenewSchema } from "./certificate.ts";
import { formatIssues } from "./format-issues.ts";

function problems(input: unknown): string[] {
  const parsed = CertificateAutoRenewSchema.safeParse(input);
  return parsed.success ? [] : formatIssues(parsed.error.issues);
}

describe("CertificateAutoRenewSchema", () => {
  it.each([true, false])("accepts autoRenew: %s", (autoRenew) => {
    expect(CertificateAutoRenewSchema.parse({ autoRenew })).toEqual({ autoRenew });
  });

  it.each([
    [{}, "autoRenew"],
    [{ autoRenew: "true" }, "autoRenew"],
    [{ autoRenew: 1 }, "autoRenew"],
    [{ autoRenew: true, isDefault: true }, "isDefault"],
  ])("refuses %j, naming %s", (input, field) => {
    const found = problems(input);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(field);
  });
});
