import type { IncomingHttpHeaders } from "node:http";

import { describe, expect, it } from "vitest";

import { withoutDashboardSession } from "./dashboard-cookie.ts";

function cleaned(cookie: string): string | undefined {
  const headers: IncomingHttpHeaders = { cookie };
  withoutDashboardSession(headers);
  return headers.cookie;
}

describe("withoutDashboardSession", () => {
  it.each([
    ["concierge_session=abc; other=1", "other=1"],
    ["other=1; concierge_session=abc", "other=1"],
    ["a=1; concierge_session=abc; b=2", "a=1; b=2"],
    ["concierge_session=abc", undefined],
    ["my_concierge_session=keep; a=1", "my_concierge_session=keep; a=1"],
    ["a=1", "a=1"],
  ])("%j → %j", (cookie, expected) => {
    expect(cleaned(cookie)).toBe(expected);
  });
});
