"use client";

import type { RoutePolicies } from "@concierge/config/route-policies";
import { useState } from "react";

import type { FieldErrorMap } from "../../../../client/field-error-map.ts";
import { AccessPolicyFields } from "./access-policy-fields.tsx";
import { RateLimitFields } from "./rate-limit-fields.tsx";
import { RedirectPolicyFields } from "./redirect-policy-fields.tsx";
import { ResponsePolicyFields } from "./response-policy-fields.tsx";

const PLACED_PATH =
  /^policies\.(access\.(allow|deny)(\[\d+\])?|access\.basicAuth\.(realm|users|users\[\d+\]\.(username|passwordHash))|rateLimit\.((client|route)(\.(requestsPerSecond|burst))?|maxConcurrent)|hsts\.maxAgeSeconds|redirect\.(to|status)|rewrite\.(pathPrefix|host)|maintenance\.(message|retryAfterSeconds)|compression\.minBytes|errorPages\.pages\.(404|5xx))$/;

/** Whether an error at `path` is shown next to one of these fields (the rest go atop the form). */
export function isPolicyFieldPath(path: string): boolean {
  return PLACED_PATH.test(path);
}

/** Collapsed until opened, and opened by itself while one of its fields has an error. */
export function EdgePolicyFields({
  policies,
  errors,
  onChange,
}: {
  policies: RoutePolicies;
  errors: FieldErrorMap;
  onChange: (policies: RoutePolicies) => void;
}) {
  const [open, setOpen] = useState(false);
  const hasErrors = Object.keys(errors).some((path) => path.startsWith("policies."));
  const update = (changed: Partial<RoutePolicies>) => onChange({ ...policies, ...changed });
  return (
    <details
      open={open || hasErrors}
      onToggle={(event) => setOpen(event.currentTarget.open)}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-900"
    >
      <summary className="cursor-pointer text-base font-semibold">Edge policies</summary>
      <fieldset className="mt-4 space-y-6 divide-y divide-slate-100 dark:divide-slate-800 [&>*]:pt-4">
        <legend className="sr-only">Edge policies</legend>
        <AccessPolicyFields
          access={policies.access}
          errors={errors}
          onChange={(access) => update({ access })}
        />
        <RateLimitFields
          rateLimit={policies.rateLimit}
          errors={errors}
          onChange={(rateLimit) => update({ rateLimit })}
        />
        <RedirectPolicyFields policies={policies} errors={errors} onChange={update} />
        <ResponsePolicyFields policies={policies} errors={errors} onChange={update} />
      </fieldset>
    </details>
  );
}
