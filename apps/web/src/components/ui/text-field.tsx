import type { InputHTMLAttributes } from "react";

import { CONTROL_CLASS, FieldShell } from "./field-shell.tsx";

export function TextField({
  label,
  hint,
  error,
  className,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <FieldShell label={label} hint={hint} error={error} {...(className ? { className } : {})}>
      {(control) => <input className={CONTROL_CLASS} {...control} {...props} />}
    </FieldShell>
  );
}
