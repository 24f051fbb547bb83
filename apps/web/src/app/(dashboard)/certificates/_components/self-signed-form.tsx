"use client";

import { SelfSignedRequestSchema, type CertificateSummary } from "@concierge/config/certificate";
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
import { ChipsInput } from "../../../../components/ui/chips-input.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { FormErrors } from "../../_components/form-errors.tsx";
import { useCertificateMutation } from "./use-certificates.ts";

function firstHostError(errors: FieldErrorMap): string | undefined {
  return Object.entries(errors).find(([path]) => path === "hosts" || path.startsWith("hosts["))?.[1];
}

export function SelfSignedForm() {
  const [hosts, setHosts] = useState<string[]>([]);
  const [isDefault, setIsDefault] = useState(false);
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const generate = useCertificateMutation(
    (body: { hosts: string[]; isDefault: boolean }) =>
      fetchJson<CertificateSummary>("/api/v1/certificates/self-signed", { method: "POST", body }),
    {
      onSuccess: () => setHosts([]),
      onError: (error) => setErrors(fieldErrorsFromFailure(error)),
    },
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = SelfSignedRequestSchema.safeParse({ hosts, isDefault });
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues));
      return;
    }
    setErrors({});
    generate.mutate({ hosts: parsed.data.hosts, isDefault: parsed.data.isDefault });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Generate a self-signed certificate">
      <FormErrors messages={unplacedErrors(errors, (path) => /^hosts(\[\d+\])?$/.test(path))} />
      <ChipsInput
        label="Hosts"
        hint='Press Enter after each: "shop.example.com" or "*.example.com". Browsers will not trust it: for trying TLS out.'
        values={hosts}
        error={firstHostError(errors)}
        onValuesChange={setHosts}
      />
      <CheckboxField label="Use as default" checked={isDefault} onCheckedChange={setIsDefault} />
      <Button type="submit" disabled={generate.isPending}>
        Generate self-signed
      </Button>
      {generate.isSuccess && (
        <Notice tone="success">Generated for {generate.data.names.join(", ")}.</Notice>
      )}
    </form>
  );
}
