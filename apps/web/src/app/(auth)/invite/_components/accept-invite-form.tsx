"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";

import { fieldErrorsFromFailure, type FieldErrorMap } from "../../../../client/field-error-map.ts";
import { fetchJson } from "../../../../client/fetch-json.ts";
import { formText } from "../../../../client/form-text.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";

export function AcceptInviteForm({ token }: { token: string }) {
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const [accepted, setAccepted] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  if (token === "") {
    return (
      <Notice tone="error">
        This page needs the link from your invite. Ask an admin for a new one.
      </Notice>
    );
  }
  if (accepted !== null) {
    return (
      <Notice tone="success">
        Your password is set, {accepted}.{" "}
        <Link href="/sign-in" className="underline">
          Sign in
        </Link>
        .
      </Notice>
    );
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = formText(form, "password");
    if (password !== formText(form, "confirm")) {
      setErrors({ confirm: "does not match the password" });
      return;
    }
    setPending(true);
    try {
      const user = await fetchJson<{ email: string }>("/api/v1/invites/accept", {
        method: "POST",
        body: { token, password },
      });
      setAccepted(user.email);
    } catch (caught) {
      setErrors(fieldErrorsFromFailure(caught));
      setPending(false);
    }
  }

  return (
    <form
      onSubmit={(event) => void onSubmit(event)}
      className="space-y-4"
      aria-label="Accept invite"
    >
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Choose the password you will sign in with.
      </p>
      <TextField
        label="Password (12+ characters)"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={12}
        error={errors.password}
        required
      />
      <TextField
        label="Repeat the password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        error={errors.confirm}
        required
      />
      {(errors.token ?? errors[""]) && (
        <Notice tone="error">{`Invite ${errors.token ?? errors[""]}. Ask an admin for a new link.`}</Notice>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Saving…" : "Set password"}
      </Button>
    </form>
  );
}
