"use client";

import { useState } from "react";

import type { AuditFilter } from "../../../../client/query-keys.ts";
import { diffValues } from "../../../../client/snapshot-diff.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { FieldChanges } from "../../../../components/ui/field-changes.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useAudit, type AuditEntry } from "../../../../hooks/use-audit.ts";
import { QueryState } from "../../_components/query-state.tsx";

const ENTITY_TYPES = ["", "pool", "route", "config_revision", "cache", "user", "session", "api_token"];

function AuditRow({ entry }: { entry: AuditEntry }) {
  const changes = diffValues(entry.before, entry.after);
  return (
    <li className="py-3" data-testid="audit-row">
      <p className="text-sm">
        <span className="font-mono">{entry.action}</span>{" "}
        <span className="text-slate-600 dark:text-slate-400">
          by {entry.actor?.email ?? "system"} · {new Date(entry.createdAt).toLocaleString()}
          {entry.revision !== null && ` · revision ${entry.revision}`}
          {entry.clientIp && ` · from ${entry.clientIp}`}
        </span>
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {entry.entityType}
        {entry.entityId && ` ${entry.entityId}`}
      </p>
      {changes.length > 0 && (
        <details className="mt-1">
          <summary className="cursor-pointer text-sm">Before / after ({changes.length} fields)</summary>
          <FieldChanges changes={changes} />
        </details>
      )}
    </li>
  );
}

export function AuditLog() {
  const [filter, setFilter] = useState<AuditFilter>({ actorId: "", action: "", entityType: "" });
  const [actorEmail, setActorEmail] = useState("");
  const audit = useAudit(filter);
  const rows = audit.data?.pages.flat() ?? [];
  const actors = new Map(rows.flatMap((entry) => (entry.actor ? [[entry.actor.id, entry.actor.email]] : [])));

  return (
    <div className="space-y-4">
      <div className="grid gap-4 md:grid-cols-3" role="search" aria-label="Filter the audit log">
        <SelectField
          label="User"
          value={filter.actorId}
          options={[
            { value: "", label: "Everyone" },
            ...[...actors].map(([id, email]) => ({ value: id, label: email })),
          ]}
          onChange={(event) => {
            const actorId = event.currentTarget.value;
            setActorEmail(actors.get(actorId) ?? "");
            setFilter({ ...filter, actorId });
          }}
        />
        <TextField
          label="Action (exact, or a family like “route.”)"
          value={filter.action}
          onChange={(event) => setFilter({ ...filter, action: event.currentTarget.value })}
        />
        <SelectField
          label="Entity"
          value={filter.entityType}
          options={ENTITY_TYPES.map((value) => ({ value, label: value === "" ? "Any" : value }))}
          onChange={(event) => setFilter({ ...filter, entityType: event.currentTarget.value })}
        />
      </div>
      {actorEmail && <p className="text-sm">Showing what {actorEmail} did.</p>}
      {audit.data ? (
        rows.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No entries match. Clear a filter, or make a change: every change is recorded here.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map((entry) => (
              <AuditRow key={entry.id} entry={entry} />
            ))}
          </ul>
        )
      ) : (
        <QueryState query={audit} />
      )}
      {audit.hasNextPage && (
        <Button variant="secondary" onClick={() => void audit.fetchNextPage()}>
          Older entries
        </Button>
      )}
    </div>
  );
}
