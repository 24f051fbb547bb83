import { useId, type ReactNode } from "react";

export const CONTROL_CLASS =
  "w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:border-sky-600 focus:outline-2 focus:outline-sky-600/40 aria-invalid:border-red-600 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100";

/** Label, hint and error around one control; the control gets the ids that tie them together. */
export function FieldShell({
  label,
  hint,
  error,
  className = "",
  children,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  className?: string;
  children: (control: {
    id: string;
    "aria-invalid": boolean;
    "aria-describedby": string | undefined;
  }) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return (
    <div className={`text-sm ${className}`}>
      <label htmlFor={id} className="mb-1 block font-medium text-slate-700 dark:text-slate-200">
        {label}
      </label>
      {children({
        id,
        "aria-invalid": error !== undefined,
        "aria-describedby": described.length > 0 ? described.join(" ") : undefined,
      })}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400" data-field-error>
          {error}
        </p>
      )}
    </div>
  );
}
