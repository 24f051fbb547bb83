"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { ConfirmButton } from "../../../../components/ui/confirm-button.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { useConfigInvalidation } from "../../../../hooks/use-config-invalidation.ts";
import { useRevisions } from "../../../../hooks/use-revisions.ts";
import { QueryState } from "../../_components/query-state.tsx";
import { RevisionDiff } from "./revision-diff.tsx";

export function RevisionHistory() {
  const canEdit = useCan("editor");
  const invalidate = useConfigInvalidation();
  const revisions = useRevisions();
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const rollback = useMutation({
    mutationFn: (revision: number) =>
      fetchJson<{ revision: number }>(`/api/v1/revisions/${revision}/rollback`, { method: "POST" }),
    onSuccess: invalidate,
  });

  if (!revisions.data) return <QueryState query={revisions} />;
  const rows = revisions.data.pages.flat();
  const newest = rows[0]?.number;

  return (
    <div className="space-y-4">
      {rollback.isSuccess && (
        <Notice tone="success">Rolled back: the configuration is now revision {rollback.data.revision}.</Notice>
      )}
      {rollback.isError && <Notice tone="error">{rollback.error.message}</Notice>}
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Pick a “from” and a “to” revision to see what changed between them.
      </p>
      <table className="w-full text-left text-sm" aria-label="Revisions">
        <thead className="border-b border-slate-200 text-slate-600 dark:border-slate-700 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-2 py-2 font-medium">#</th>
            <th scope="col" className="px-2 py-2 font-medium">Change</th>
            <th scope="col" className="px-2 py-2 font-medium">By</th>
            <th scope="col" className="px-2 py-2 font-medium">When</th>
            <th scope="col" className="px-2 py-2 font-medium">From</th>
            <th scope="col" className="px-2 py-2 font-medium">To</th>
            <th scope="col" className="px-2 py-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map((revision) => (
            <tr key={revision.number} data-testid="revision-row">
              <td className="px-2 py-2 font-mono">{revision.number}</td>
              <td className="px-2 py-2">
                <span className="font-mono">{revision.summary}</span>
                {revision.message && <p className="text-slate-600 dark:text-slate-400">{revision.message}</p>}
              </td>
              <td className="px-2 py-2">{revision.actor?.email ?? "system"}</td>
              <td className="px-2 py-2">{new Date(revision.createdAt).toLocaleString()}</td>
              <td className="px-2 py-2">
                <input
                  type="radio"
                  name="diff-from"
                  aria-label={`Compare from revision ${revision.number}`}
                  checked={from === revision.number}
                  onChange={() => setFrom(revision.number)}
                />
              </td>
              <td className="px-2 py-2">
                <input
                  type="radio"
                  name="diff-to"
                  aria-label={`Compare to revision ${revision.number}`}
                  checked={to === revision.number}
                  onChange={() => setTo(revision.number)}
                />
              </td>
              <td className="px-2 py-2">
                {canEdit && revision.number !== newest && (
                  <ConfirmButton
                    question={`Make revision ${revision.number}'s configuration current again?`}
                    confirmLabel="Roll back"
                    disabled={rollback.isPending}
                    onConfirm={() => rollback.mutate(revision.number)}
                  >
                    Roll back to {revision.number}
                  </ConfirmButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revisions.hasNextPage && (
        <Button variant="secondary" onClick={() => void revisions.fetchNextPage()}>
          Older revisions
        </Button>
      )}
      {from !== undefined && to !== undefined && <RevisionDiff from={from} to={to} />}
    </div>
  );
}
