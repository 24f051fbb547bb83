import type { ReactNode } from "react";

/** One headline number with its name; `detail` adds context such as a unit or a comparison. */
export function StatTile({
  label,
  value,
  detail,
  testId,
}: {
  label: string;
  value: string;
  detail?: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900"
      data-testid={testId}
    >
      <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">
        {label}
      </dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900 dark:text-slate-50">
        {value}
      </dd>
      {detail !== undefined && (
        <dd className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">{detail}</dd>
      )}
    </div>
  );
}
