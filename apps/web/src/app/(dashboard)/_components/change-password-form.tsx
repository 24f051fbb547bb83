"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { ApiError, fetchJson } from "../../../client/fetch-json.ts";
import { Button } from "../../../components/ui/button.tsx";
import { Card } from "../../../components/ui/card.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";

/** Shown instead of the dashboard until a generated first password is replaced. */
export function ChangePasswordForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await fetchJson("/api/v1/session/password", {
        method: "POST",
        body: {
          currentPassword: String(form.get("currentPassword")),
          newPassword: String(form.get("newPassword")),
        },
      });
      router.refresh();
    } catch (caught) {
      const fieldMessage = caught instanceof ApiError ? caught.problem?.errors?.[0] : undefined;
      setError(
        fieldMessage
          ? `${fieldMessage.path} ${fieldMessage.message}`
          : "The password could not be changed",
      );
    }
  }

  return (
    <Card title="Choose a new password">
      <form onSubmit={(event) => void onSubmit(event)} className="max-w-sm space-y-4">
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
        />
        <TextField
          label="New password (12+ characters)"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={12}
          required
        />
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        <Button type="submit">Change password</Button>
      </form>
    </Card>
  );
}
