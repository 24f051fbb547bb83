"use client";

import { CertificateUploadSchema, type CertificateSummary } from "@concierge/config/certificate";
import { useState, type FormEvent } from "react";

import {
  fieldErrorsFromFailure,
  fieldErrorsFromIssues,
  unplacedErrors,
  type FieldErrorMap,
} from "../../../../client/field-error-map.ts";
import { fetchJson } from "../../../../client/fetch-json.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { FormErrors } from "../../_components/form-errors.tsx";
import { TextareaField } from "../../routes/_components/textarea-field.tsx";
import { useCertificateMutation } from "./use-certificates.ts";

const EMPTY = { certificate: "", privateKey: "", isDefault: false };

export function UploadCertificateForm() {
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const upload = useCertificateMutation(
    (body: typeof EMPTY) =>
      fetchJson<CertificateSummary>("/api/v1/certificates", { method: "POST", body }),
    {
      onSuccess: () => setDraft(EMPTY),
      onError: (error) => setErrors(fieldErrorsFromFailure(error)),
    },
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = CertificateUploadSchema.safeParse(draft);
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues));
      return;
    }
    setErrors({});
    upload.mutate(parsed.data);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Upload a certificate">
      <FormErrors
        messages={unplacedErrors(errors, (path) => path === "certificate" || path === "privateKey")}
      />
      <div className="grid gap-4 md:grid-cols-2">
        <TextareaField
          label="Certificate chain (PEM)"
          hint="The certificate first, then each intermediate in issuing order."
          rows={8}
          spellCheck={false}
          placeholder="-----BEGIN CERTIFICATE-----"
          value={draft.certificate}
          error={errors.certificate}
          onChange={(event) => setDraft({ ...draft, certificate: event.currentTarget.value })}
        />
        <TextareaField
          label="Private key (PEM)"
          hint="Unencrypted. Stored encrypted and never shown again."
          rows={8}
          spellCheck={false}
          placeholder="-----BEGIN PRIVATE KEY-----"
          value={draft.privateKey}
          error={errors.privateKey}
          onChange={(event) => setDraft({ ...draft, privateKey: event.currentTarget.value })}
        />
      </div>
      <CheckboxField
        label="Use as default (for clients whose SNI matches no certificate)"
        checked={draft.isDefault}
        onCheckedChange={(isDefault) => setDraft({ ...draft, isDefault })}
      />
      <Button type="submit" disabled={upload.isPending}>
        Upload certificate
      </Button>
      {upload.isSuccess && <Notice tone="success">Certificate stored: the proxies serve it now.</Notice>}
    </form>
  );
}
