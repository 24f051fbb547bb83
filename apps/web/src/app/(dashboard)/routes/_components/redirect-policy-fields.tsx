"use client";

import type { RoutePolicies } from "@concierge/config/route-policies";

import type { FieldErrorMap } from "../../../../client/field-error-map.ts";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { NumberField } from "../../../../components/ui/number-field.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";

type RedirectPolicies = Pick<RoutePolicies, "httpsRedirect" | "hsts" | "redirect" | "rewrite">;

const ONE_YEAR_SECONDS = 31_536_000;
const REDIRECT_STATUSES = [301, 302, 307, 308] as const;

/** Where requests go instead: HTTPS upgrade and HSTS, a redirect answered by the proxy, a rewrite upstream. */
export function RedirectPolicyFields({
  policies,
  errors,
  onChange,
}: {
  policies: RedirectPolicies;
  errors: FieldErrorMap;
  onChange: (policies: Partial<RedirectPolicies>) => void;
}) {
  const { hsts, redirect, rewrite } = policies;
  return (
    <fieldset className="space-y-4">
      <legend className="mb-2 text-sm font-semibold">HTTPS, redirect and rewrite</legend>
      <div className="flex flex-wrap gap-6">
        <CheckboxField
          label="Redirect plain HTTP to HTTPS (308)"
          checked={policies.httpsRedirect}
          onCheckedChange={(httpsRedirect) => onChange({ httpsRedirect })}
        />
        <CheckboxField
          label="Send HSTS on HTTPS answers"
          checked={hsts !== undefined}
          onCheckedChange={(on) =>
            onChange({
              hsts: on ? { maxAgeSeconds: ONE_YEAR_SECONDS, includeSubDomains: false, preload: false } : undefined,
            })
          }
        />
      </div>
      {hsts && (
        <div className="grid gap-4 md:grid-cols-3 md:items-end">
          <NumberField
            label="HSTS max-age (s)"
            value={hsts.maxAgeSeconds}
            error={errors["policies.hsts.maxAgeSeconds"]}
            onValueChange={(maxAgeSeconds) => onChange({ hsts: { ...hsts, maxAgeSeconds: maxAgeSeconds ?? Number.NaN } })}
          />
          <CheckboxField
            label="includeSubDomains"
            checked={hsts.includeSubDomains}
            onCheckedChange={(includeSubDomains) => onChange({ hsts: { ...hsts, includeSubDomains } })}
          />
          <CheckboxField
            label="preload"
            checked={hsts.preload}
            onCheckedChange={(preload) => onChange({ hsts: { ...hsts, preload } })}
          />
        </div>
      )}
      <CheckboxField
        label="Answer every request with a redirect instead of forwarding"
        checked={redirect !== undefined}
        onCheckedChange={(on) => onChange({ redirect: on ? { to: "", status: 302 } : undefined })}
      />
      {redirect && (
        <div className="grid gap-4 md:grid-cols-[2fr_1fr]">
          <TextField
            label="Redirect to"
            hint="$host, $path and $query are replaced, e.g. https://new.example.com$path$query"
            value={redirect.to}
            error={errors["policies.redirect.to"]}
            onChange={(event) => onChange({ redirect: { ...redirect, to: event.currentTarget.value } })}
          />
          <SelectField
            label="Redirect status"
            value={String(redirect.status)}
            error={errors["policies.redirect.status"]}
            options={REDIRECT_STATUSES.map((status) => ({ value: String(status), label: String(status) }))}
            onChange={(event) =>
              onChange({ redirect: { ...redirect, status: Number(event.currentTarget.value) as typeof redirect.status } })
            }
          />
        </div>
      )}
      <div className="grid gap-4 md:grid-cols-2">
        <TextField
          label="Upstream prefix (rewrite)"
          hint="Replaces the matched prefix upstream (e.g. /api → /v2). Empty: unchanged."
          value={rewrite.pathPrefix ?? ""}
          error={errors["policies.rewrite.pathPrefix"]}
          onChange={(event) =>
            onChange({ rewrite: { ...rewrite, pathPrefix: event.currentTarget.value || undefined } })
          }
        />
        <TextField
          label="Upstream Host header (rewrite)"
          hint="Sent upstream instead of the client's. Empty: unchanged."
          value={rewrite.host ?? ""}
          error={errors["policies.rewrite.host"]}
          onChange={(event) => onChange({ rewrite: { ...rewrite, host: event.currentTarget.value || undefined } })}
        />
      </div>
    </fieldset>
  );
}
