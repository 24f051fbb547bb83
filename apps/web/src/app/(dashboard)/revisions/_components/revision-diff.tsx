"use client";

import { diffSnapshots } from "../../../../client/snapshot-diff.ts";
import { FieldChanges } from "../../../../components/ui/field-changes.tsx";
import { useRevision } from "../../../../hooks/use-revisions.ts";
import { QueryState } from "../../_components/query-state.tsx";

const CHANGE_LABELS = { added: "added", removed: "removed", changed: "changed" } as const;

export function RevisionDiff({ from, to }: { from: number; to: number }) {
  const before = useRevision(from);
  const after = useRevision(to);
  if (!before.data) return <QueryState query={before} />;
  if (!after.data) return <QueryState query={after} />;
  const diffs = diffSnapshots(before.data.snapshot, after.data.snapshot);

  return (
    <section aria-label={`Changes from revision ${from} to ${to}`} className="space-y-3" data-testid="revision-diff">
      <h3 className="text-sm font-semibold">
        From revision {from} to {to}
      </h3>
      {diffs.length === 0 && <p className="text-sm">The two revisions hold the same configuration.</p>}
      {diffs.map((diff) => (
        <div key={`${diff.kind}-${diff.id}`} className="rounded-md border border-slate-200 p-3 dark:border-slate-700">
          <p className="mb-2 text-sm">
            <span className="font-medium capitalize">{diff.kind}</span> “{diff.name}”{" "}
            <span className="text-slate-600 dark:text-slate-400">{CHANGE_LABELS[diff.change]}</span>
          </p>
          <FieldChanges changes={diff.fields} />
        </div>
      ))}
    </section>
  );
}
