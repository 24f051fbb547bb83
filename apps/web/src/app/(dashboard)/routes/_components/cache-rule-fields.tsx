"use client";

import type { CacheRule } from "@concierge/config/cache-rule";

import type { FieldErrorMap } from "../../../../client/field-error-map.ts";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { ChipsInput } from "../../../../components/ui/chips-input.tsx";
import { NumberField } from "../../../../components/ui/number-field.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";

function withOptional<Key extends "defaultTtlSeconds" | "ttlOverrideSeconds">(
  rule: CacheRule,
  key: Key,
  value: number | undefined,
): CacheRule {
  const next: CacheRule = { ...rule };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

export function CacheRuleFields({
  rule,
  errors,
  onChange,
}: {
  rule: CacheRule;
  errors: FieldErrorMap;
  onChange: (rule: CacheRule) => void;
}) {
  const keyQueryMode = typeof rule.keyQuery === "string" ? rule.keyQuery : "include";
  return (
    <div className="space-y-4">
      <CheckboxField
        label="Cache answers of this route"
        checked={rule.enabled}
        onCheckedChange={(enabled) => onChange({ ...rule, enabled })}
      />
      <div className="grid gap-4 md:grid-cols-3">
        <NumberField
          label="Default TTL (s, when the origin gives none)"
          optional
          value={rule.defaultTtlSeconds}
          error={errors["cache.defaultTtlSeconds"]}
          onValueChange={(value) => onChange(withOptional(rule, "defaultTtlSeconds", value))}
        />
        <NumberField
          label="TTL override (s, replaces the origin's)"
          optional
          value={rule.ttlOverrideSeconds}
          error={errors["cache.ttlOverrideSeconds"]}
          onValueChange={(value) => onChange(withOptional(rule, "ttlOverrideSeconds", value))}
        />
        <NumberField
          label="Largest stored body (bytes)"
          value={rule.maxObjectBytes}
          error={errors["cache.maxObjectBytes"]}
          onValueChange={(value) => onChange({ ...rule, maxObjectBytes: value ?? Number.NaN })}
        />
        <NumberField
          label="Stale while revalidate (s)"
          value={rule.staleWhileRevalidateSeconds}
          error={errors["cache.staleWhileRevalidateSeconds"]}
          onValueChange={(value) =>
            onChange({ ...rule, staleWhileRevalidateSeconds: value ?? Number.NaN })
          }
        />
        <NumberField
          label="Stale if error (s)"
          value={rule.staleIfErrorSeconds}
          error={errors["cache.staleIfErrorSeconds"]}
          onValueChange={(value) => onChange({ ...rule, staleIfErrorSeconds: value ?? Number.NaN })}
        />
        <SelectField
          label="Query in the cache key"
          value={keyQueryMode}
          options={[
            { value: "all", label: "All parameters (sorted)" },
            { value: "none", label: "None" },
            { value: "include", label: "Only the listed ones" },
          ]}
          onChange={(event) => {
            const mode = event.currentTarget.value;
            onChange({
              ...rule,
              keyQuery: mode === "all" || mode === "none" ? mode : { include: [] },
            });
          }}
        />
      </div>
      {typeof rule.keyQuery === "object" && (
        <ChipsInput
          label="Query parameters in the key"
          values={rule.keyQuery.include}
          error={errors["cache.keyQuery.include"]}
          onValuesChange={(include) => onChange({ ...rule, keyQuery: { include } })}
        />
      )}
      <div className="grid gap-4 md:grid-cols-3">
        <ChipsInput
          label="Request headers in the key"
          values={rule.keyHeaders}
          error={errors["cache.keyHeaders"]}
          onValuesChange={(keyHeaders) => onChange({ ...rule, keyHeaders })}
        />
        <ChipsInput
          label="Cookies in the key"
          values={rule.keyCookies}
          error={errors["cache.keyCookies"]}
          onValuesChange={(keyCookies) => onChange({ ...rule, keyCookies })}
        />
        <ChipsInput
          label="Cookies that bypass the cache"
          values={rule.bypassCookies}
          error={errors["cache.bypassCookies"]}
          onValuesChange={(bypassCookies) => onChange({ ...rule, bypassCookies })}
        />
      </div>
      <CheckboxField
        label="Store answers that set cookies (the cookie is stripped from the stored copy)"
        checked={rule.storeSetCookie}
        onCheckedChange={(storeSetCookie) => onChange({ ...rule, storeSetCookie })}
      />
    </div>
  );
}
