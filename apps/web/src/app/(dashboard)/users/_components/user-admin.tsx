"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { fieldErrorsFromFailure, type FieldErrorMap } from "../../../../client/field-error-map.ts";
import { fetchJson } from "../../../../client/fetch-json.ts";
import { userKeys } from "../../../../client/query-keys.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { Card } from "../../../../components/ui/card.tsx";
import { ConfirmButton } from "../../../../components/ui/confirm-button.tsx";
import { DataTable, type Column } from "../../../../components/ui/data-table.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useActor } from "../../../../hooks/use-actor.ts";
import { QueryState } from "../../_components/query-state.tsx";

type Role = "admin" | "editor" | "viewer";

interface User {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

const ROLE_OPTIONS = [
  { value: "viewer", label: "Viewer (read only)" },
  { value: "editor", label: "Editor (configuration, purge)" },
  { value: "admin", label: "Admin (users, everything)" },
];

function InviteForm() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const invite = useMutation({
    mutationFn: () =>
      fetchJson<User & { inviteUrl?: string }>("/api/v1/users", { method: "POST", body: { email, role } }),
    onMutate: () => setErrors({}),
    onSuccess: async () => {
      setEmail("");
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
    onError: (error) => setErrors(fieldErrorsFromFailure(error)),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    invite.mutate();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Invite a user">
      <div className="grid gap-4 md:grid-cols-2">
        <TextField label="Email" type="email" value={email} error={errors.email} onChange={(event) => setEmail(event.currentTarget.value)} />
        <SelectField label="Role" value={role} error={errors.role} options={ROLE_OPTIONS} onChange={(event) => setRole(event.currentTarget.value as Role)} />
      </div>
      {errors[""] && <Notice tone="error">{errors[""]}</Notice>}
      <Button type="submit" disabled={invite.isPending}>Invite</Button>
      {invite.data?.inviteUrl && (
        <Notice tone="success">
          Send this one-time link to {invite.data.email}; it is shown only now and works for 7 days:{" "}
          <code className="break-all" data-testid="invite-url">{invite.data.inviteUrl}</code>
        </Notice>
      )}
    </form>
  );
}

function UserActions({ user, onFailure }: { user: User; onFailure: (message: string) => void }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState("");
  const [settingPassword, setSettingPassword] = useState(false);
  const update = useMutation({
    mutationFn: (body: { role?: Role; disabled?: boolean; password?: string }) =>
      fetchJson(`/api/v1/users/${user.id}`, { method: "PATCH", body }),
    onSuccess: async () => {
      setSettingPassword(false);
      setPassword("");
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
    onError: (error) => onFailure(error.message),
  });
  const remove = useMutation({
    mutationFn: () => fetchJson(`/api/v1/users/${user.id}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
    onError: (error) => onFailure(error.message),
  });

  return (
    <div className="flex flex-wrap items-end gap-2">
      <SelectField
        label={`Role of ${user.email}`}
        className="w-44"
        value={user.role}
        options={ROLE_OPTIONS.map(({ value }) => ({ value, label: value }))}
        onChange={(event) => update.mutate({ role: event.currentTarget.value as Role })}
      />
      <Button variant="secondary" onClick={() => update.mutate({ disabled: !user.disabled })}>
        {user.disabled ? "Enable" : "Disable"}
      </Button>
      {settingPassword ? (
        <form
          className="flex items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            update.mutate({ password });
          }}
        >
          <TextField label="New password (12+ characters)" type="password" autoComplete="new-password" value={password} onChange={(event) => setPassword(event.currentTarget.value)} />
          <Button type="submit">Set</Button>
        </form>
      ) : (
        <Button variant="secondary" onClick={() => setSettingPassword(true)}>Set password</Button>
      )}
      <ConfirmButton question={`Remove ${user.email}?`} confirmLabel="Remove" onConfirm={() => remove.mutate()}>
        Remove
      </ConfirmButton>
    </div>
  );
}

export function UserAdmin() {
  const actor = useActor();
  const [failure, setFailure] = useState<string | null>(null);
  const users = useQuery({
    queryKey: userKeys.list(),
    queryFn: ({ signal }) => fetchJson<User[]>("/api/v1/users", { signal }),
  });

  const columns: Column<User>[] = [
    { key: "email", header: "Email", sortValue: (user) => user.email, cell: (user) => (user.id === actor.id ? `${user.email} (you)` : user.email) },
    { key: "role", header: "Role", sortValue: (user) => user.role, cell: (user) => user.role },
    {
      key: "status",
      header: "Status",
      cell: (user) => (user.disabled ? "disabled" : user.mustChangePassword ? "must change password" : "active"),
    },
    { key: "actions", header: "Actions", cell: (user) => <UserActions user={user} onFailure={setFailure} /> },
  ];

  return (
    <div className="space-y-6">
      <Card title="Invite someone">
        <InviteForm />
      </Card>
      <Card title="Users">
        {failure && <div className="mb-3"><Notice tone="error">{failure}</Notice></div>}
        {users.data ? (
          <DataTable
            label="users"
            rows={users.data}
            columns={columns}
            rowKey={(user) => user.id}
            searchText={(user) => `${user.email} ${user.role}`}
            initialSort={{ key: "email", direction: "asc" }}
            empty="No users. Invite someone above."
          />
        ) : (
          <QueryState query={users} />
        )}
      </Card>
    </div>
  );
}
