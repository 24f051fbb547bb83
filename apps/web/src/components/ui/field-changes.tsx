import type { FieldChange } from "../../client/snapshot-diff.ts";

function show(value: unknown): string {
  return value === undefined ? "—" : JSON.stringify(value);
}

/** Field-by-field before → after, as a small table. */
export function FieldChanges({ changes }: { changes: readonly FieldChange[] }) {
  return (
    <table className="w-full text-left font-mono text-xs">
      <thead className="text-slate-600 dark:text-slate-400">
        <tr>
          <th scope="col" className="py-1 pr-2 font-medium">Field</th>
          <th scope="col" className="py-1 pr-2 font-medium">Before</th>
          <th scope="col" className="py-1 font-medium">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <tr key={change.path} className="align-top">
            <td className="py-0.5 pr-2">{change.path}</td>
            <td className="py-0.5 pr-2 break-all text-red-800 dark:text-red-300">{show(change.before)}</td>
            <td className="py-0.5 break-all text-emerald-800 dark:text-emerald-300">{show(change.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
