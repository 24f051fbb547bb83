import type { SelectHTMLAttributes } from "react";

import { CONTROL_CLASS, FieldShell } from "./field-shell.tsx";

export function SelectField({
  label,
  hint,
  error,
  options,
  className,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <FieldShell label={label} hint={hint} error={error} {...(className ? { className } : {})}>
      {(control) => (
        <select className={CONTROL_CLASS} {...control} {...props}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
