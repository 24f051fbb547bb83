"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { fieldErrorsFromFailure, type FieldErrorMap } from "../../../client/field-error-map.ts";
import { fetchJson } from "../../../client/fetch-json.ts";
import { formText } from "../../../client/form-text.ts";
import { Button } from "../../../components/ui/button.tsx";
import { Card } from "../../../components/ui/card.tsx";
import { Notice } from "../../../components/ui/notice.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";

/** Also shown instead of the dashboard until a generated or admin-set password is replaced. */
export function ChangePasswordForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setDone(false);
    try {
      await fetchJson("/api/v1/session/password", {
        method: "POST",
        body: {
          currentPassword: formText(form, "currentPassword"),
          newPassword: formText(form, "newPassword"),
        },
      });
      setErrors({});
      setDone(true);
      formElement.reset();
      router.refresh();
    } catch (caught) {
      setErrors(fieldErrorsFromFailure(caught));
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
          error={errors.currentPassword}
          required
        />
        <TextField
          label="New password (12+ characters)"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={12}
          error={errors.newPassword}
          required
        />
        {errors[""] && <Notice tone="error">{errors[""]}</Notice>}
        {done && <Notice tone="success">Password changed.</Notice>}
        <Button type="submit">Change password</Button>
      </form>
    </Card>
  );
}
