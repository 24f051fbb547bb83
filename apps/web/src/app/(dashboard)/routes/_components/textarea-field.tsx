import type { TextareaHTMLAttributes } from "react";

import { CONTROL_CLASS, FieldShell } from "../../../../components/ui/field-shell.tsx";

/** A multi-line text box with label, hint and error, monospaced for PEM blocks and HTML. */
export function TextareaField({
  label,
  hint,
  error,
  className,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <FieldShell label={label} hint={hint} error={error} {...(className ? { className } : {})}>
      {(control) => <textarea className={`${CONTROL_CLASS} font-mono text-xs`} {...control} {...props} />}
    </FieldShell>
  );
}
