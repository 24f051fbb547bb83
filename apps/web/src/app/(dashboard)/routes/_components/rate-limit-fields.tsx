"use client";

import type { RateLimit, TokenBucket } from "@concierge/config/route-rate-limit";

import type { FieldErrorMap } from "../../../../client/field-error-map.ts";
import { NumberField } from "../../../../components/ui/number-field.tsx";

/** Both boxes empty: no bucket. One filled: the other reads as missing, and the schema says so. */
function toBucket(requestsPerSecond: number | undefined, burst: number | undefined): TokenBucket | undefined {
  if (requestsPerSecond === undefined && burst === undefined) return undefined;
  return { requestsPerSecond: requestsPerSecond ?? Number.NaN, burst: burst ?? Number.NaN };
}

function TokenBucketFields({
  who,
  path,
  bucket,
  errors,
  onChange,
}: {
  who: string;
  path: string;
  bucket: TokenBucket | undefined;
  errors: FieldErrorMap;
  onChange: (bucket: TokenBucket | undefined) => void;
}) {
  return (
    <>
      <NumberField
        label={`${who}: requests per second`}
        optional
        min={0}
        value={bucket?.requestsPerSecond}
        error={errors[`${path}.requestsPerSecond`] ?? errors[path]}
        onValueChange={(requestsPerSecond) => onChange(toBucket(requestsPerSecond, bucket?.burst))}
      />
      <NumberField
        label={`${who}: burst`}
        optional
        min={1}
        value={bucket?.burst}
        error={errors[`${path}.burst`]}
        onValueChange={(burst) => onChange(toBucket(bucket?.requestsPerSecond, burst))}
      />
    </>
  );
}

/** Token buckets per client address and for the whole route, and a cap on requests in flight. */
export function RateLimitFields({
  rateLimit,
  errors,
  onChange,
}: {
  rateLimit: RateLimit;
  errors: FieldErrorMap;
  onChange: (rateLimit: RateLimit) => void;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="mb-2 text-sm font-semibold">Rate limits (per node; over the limit → 429)</legend>
      <div className="grid gap-4 md:grid-cols-2">
        <TokenBucketFields
          who="Per client"
          path="policies.rateLimit.client"
          bucket={rateLimit.client}
          errors={errors}
          onChange={(client) => onChange({ ...rateLimit, client })}
        />
        <TokenBucketFields
          who="Whole route"
          path="policies.rateLimit.route"
          bucket={rateLimit.route}
          errors={errors}
          onChange={(route) => onChange({ ...rateLimit, route })}
        />
        <NumberField
          label="Most requests in flight at once"
          hint="Empty: no cap. More → 503 with Retry-After."
          optional
          min={1}
          value={rateLimit.maxConcurrent}
          error={errors["policies.rateLimit.maxConcurrent"]}
          onValueChange={(maxConcurrent) => onChange({ ...rateLimit, maxConcurrent })}
        />
      </div>
    </fieldset>
  );
}
