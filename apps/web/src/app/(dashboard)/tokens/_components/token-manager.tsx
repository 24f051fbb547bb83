"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { fieldErrorsFromFailure, type FieldErrorMap } from "../../../../client/field-error-map.ts";
import { fetchJson } from "../../../../client/fetch-json.ts";
import { tokenKeys } from "../../../../client/query-keys.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { Card } from "../../../../components/ui/card.tsx";
import { ConfirmButton } from "../../../../components/ui/confirm-button.tsx";
import { DataTable, type Column } from "../../../../components/ui/data-table.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { QueryState } from "../../_components/query-state.tsx";

interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  lastUsedAt: string | null;
  createdAt: string;
}

function CreatedToken({ token }: { token: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Notice tone="success">
      <p>Copy this token now: it is not shown again.</p>
      <div className="mt-2 flex items-center gap-2">
        <code className="break-all" data-testid="created-token">{token}</code>
        <Button
          variant="secondary"
          onClick={() => void navigator.clipboard.writeText(token).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </Notice>
  );
}

export function TokenManager() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const tokens = useQuery({
    queryKey: tokenKeys.list(),
    queryFn: ({ signal }) => fetchJson<ApiToken[]>("/api/v1/tokens", { signal }),
  });
  const create = useMutation({
    mutationFn: () => fetchJson<ApiToken & { token: string }>("/api/v1/tokens", { method: "POST", body: { name } }),
    onMutate: () => setErrors({}),
    onSuccess: async () => {
      setName("");
      await queryClient.invalidateQueries({ queryKey: tokenKeys.all });
    },
    onError: (error) => setErrors(fieldErrorsFromFailure(error)),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => fetchJson(`/api/v1/tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate();
  }

  const columns: Column<ApiToken>[] = [
    { key: "name", header: "Name", sortValue: (token) => token.name, cell: (token) => token.name },
    { key: "prefix", header: "Starts with", cell: (token) => <code>{token.prefix}…</code> },
    {
      key: "lastUsed",
      header: "Last used",
      sortValue: (token) => token.lastUsedAt ?? "",
      cell: (token) => (token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : "never"),
    },
    { key: "created", header: "Created", sortValue: (token) => token.createdAt, cell: (token) => new Date(token.createdAt).toLocaleString() },
    {
      key: "revoke",
      header: "Revoke",
      cell: (token) => (
        <ConfirmButton question={`Revoke “${token.name}”?`} confirmLabel="Revoke" onConfirm={() => revoke.mutate(token.id)}>
          Revoke
        </ConfirmButton>
      ),
    },
  ];

  return (
    <div className="space-y-6">
      <Card title="New token">
        <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Create an API token">
          <TextField
            label="Name"
            hint="Say what uses it, e.g. “deploy pipeline”. It acts with your role."
            value={name}
            error={errors.name ?? errors[""]}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Button type="submit" disabled={create.isPending}>Create token</Button>
        </form>
        {create.data && <div className="mt-3"><CreatedToken token={create.data.token} /></div>}
      </Card>
      <Card title="Tokens">
        {revoke.isError && <Notice tone="error">{revoke.error.message}</Notice>}
        {tokens.data ? (
          <DataTable
            label="tokens"
            rows={tokens.data}
            columns={columns}
            rowKey={(token) => token.id}
            searchText={(token) => `${token.name} ${token.prefix}`}
            initialSort={{ key: "created", direction: "desc" }}
            empty="No tokens yet. Create one above to call /api/v1 from scripts with Authorization: Bearer."
          />
        ) : (
          <QueryState query={tokens} />
        )}
      </Card>
    </div>
  );
}
