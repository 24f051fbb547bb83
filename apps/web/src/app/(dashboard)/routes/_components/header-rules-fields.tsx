"use client";

import { useId, useState } from "react";

import { ChipsInput } from "../../../../components/ui/chips-input.tsx";
import { CONTROL_CLASS } from "../../../../components/ui/field-shell.tsx";
import type { FieldErrorMap } from "../../../../client/field-error-map.ts";
import { fromHeaderLines, toHeaderLines, type RouteDraft } from "./route-draft.ts";

type Direction = "requestHeaders" | "responseHeaders";

/** Headers set and removed on one direction; set rules are edited as "name: value" lines. */
export function HeaderRulesFields({
  direction,
  rules,
  errors,
  onChange,
}: {
  direction: Direction;
  rules: RouteDraft[Direction];
  errors: FieldErrorMap;
  onChange: (rules: RouteDraft[Direction]) => void;
}) {
  const id = useId();
  const [text, setText] = useState(() => toHeaderLines(rules.set));
  const label = direction === "requestHeaders" ? "request" : "response";
  const setErrors = Object.entries(errors)
    .filter(([path]) => path.startsWith(`${direction}.set`))
    .map(([path, message]) => `${path.slice(`${direction}.set.`.length) || "set"}: ${message}`);

  return (
    <div className="space-y-3">
      <div className="text-sm">
        <label htmlFor={id} className="mb-1 block font-medium">
          Set on the {label} (one “name: value” per line)
        </label>
        <textarea
          id={id}
          rows={3}
          className={`${CONTROL_CLASS} font-mono`}
          value={text}
          aria-invalid={setErrors.length > 0}
          onChange={(event) => {
            setText(event.currentTarget.value);
            onChange({ ...rules, set: fromHeaderLines(event.currentTarget.value) });
          }}
        />
        {setErrors.map((message) => (
          <p key={message} className="mt-1 text-xs text-red-700 dark:text-red-400">
            {message}
          </p>
        ))}
      </div>
      <ChipsInput
        label={`Remove from the ${label}`}
        values={rules.remove}
        error={Object.entries(errors).find(([path]) => path.startsWith(`${direction}.remove`))?.[1]}
        onValuesChange={(remove) => onChange({ ...rules, remove })}
      />
    </div>
  );
}
