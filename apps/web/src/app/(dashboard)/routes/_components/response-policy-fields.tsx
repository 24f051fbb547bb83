"use client";

import type { RoutePolicies } from "@concierge/config/route-policies";

import type { FieldErrorMap } from "../../../../client/field-error-map.ts";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { NumberField } from "../../../../components/ui/number-field.tsx";
import { TextareaField } from "./textarea-field.tsx";

type ResponsePolicies = Pick<RoutePolicies, "maintenance" | "compression" | "errorPages">;

const EDITED_PAGES = [
  { status: "404", label: "404 page (HTML)" },
  { status: "5xx", label: "5xx page (HTML)" },
] as const;

/** An emptied box removes its page; pages for other statuses (set through the API) are kept. */
function withPage(pages: Record<string, string>, status: string, html: string): Record<string, string> {
  const { [status]: _replaced, ...others } = pages;
  return html === "" ? others : { ...others, [status]: html };
}

/** How answers leave: maintenance mode, compression, and the HTML of error answers. */
export function ResponsePolicyFields({
  policies,
  errors,
  onChange,
}: {
  policies: ResponsePolicies;
  errors: FieldErrorMap;
  onChange: (policies: Partial<ResponsePolicies>) => void;
}) {
  const { maintenance, compression, errorPages } = policies;
  return (
    <fieldset className="space-y-4">
      <legend className="mb-2 text-sm font-semibold">Maintenance, compression and error pages</legend>
      <CheckboxField
        label="Maintenance: answer 503 and send nothing to the origin"
        checked={maintenance.enabled}
        onCheckedChange={(enabled) => onChange({ maintenance: { ...maintenance, enabled } })}
      />
      {maintenance.enabled && (
        <div className="grid gap-4 md:grid-cols-[2fr_1fr]">
          <TextareaField
            label="Maintenance message"
            rows={2}
            value={maintenance.message ?? ""}
            error={errors["policies.maintenance.message"]}
            onChange={(event) =>
              onChange({ maintenance: { ...maintenance, message: event.currentTarget.value || undefined } })
            }
          />
          <NumberField
            label="Retry-After (s)"
            value={maintenance.retryAfterSeconds}
            error={errors["policies.maintenance.retryAfterSeconds"]}
            onValueChange={(retryAfterSeconds) =>
              onChange({ maintenance: { ...maintenance, retryAfterSeconds: retryAfterSeconds ?? Number.NaN } })
            }
          />
        </div>
      )}
      <div className="grid gap-4 md:grid-cols-2 md:items-end">
        <CheckboxField
          label="Compress answers (gzip / brotli)"
          checked={compression.enabled}
          onCheckedChange={(enabled) => onChange({ compression: { ...compression, enabled } })}
        />
        <NumberField
          label="Smallest compressed answer (bytes)"
          value={compression.minBytes}
          error={errors["policies.compression.minBytes"]}
          onValueChange={(minBytes) => onChange({ compression: { ...compression, minBytes: minBytes ?? Number.NaN } })}
        />
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        {EDITED_PAGES.map(({ status, label }) => (
          <TextareaField
            key={status}
            label={label}
            hint="Empty: the proxy's plain default."
            rows={4}
            spellCheck={false}
            value={errorPages.pages[status] ?? ""}
            error={errors[`policies.errorPages.pages.${status}`]}
            onChange={(event) =>
              onChange({
                errorPages: { ...errorPages, pages: withPage(errorPages.pages, status, event.currentTarget.value) },
              })
            }
          />
        ))}
      </div>
      <CheckboxField
        label="Also replace the bodies of the origin's 4xx / 5xx answers"
        checked={errorPages.forOrigin}
        onCheckedChange={(forOrigin) => onChange({ errorPages: { ...errorPages, forOrigin } })}
      />
    </fieldset>
  );
}
