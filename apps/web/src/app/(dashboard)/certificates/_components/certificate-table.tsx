"use client";

import type { CertificateSummary } from "@concierge/config/certificate";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { ConfirmButton } from "../../../../components/ui/confirm-button.tsx";
import { DataTable, type Column } from "../../../../components/ui/data-table.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { QueryState } from "../../_components/query-state.tsx";
import { useCertificateMutation, useCertificates } from "./use-certificates.ts";

const BADGE_CLASS = "inline-block rounded-full px-2 py-0.5 text-xs font-medium";

/** The first four bytes are enough to tell certificates apart at a glance; the title has all 32. */
function shortFingerprint(fingerprint: string): string {
  return `${fingerprint.split(":").slice(0, 4).join(":")}…`;
}

function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

const BASE_COLUMNS: Column<CertificateSummary>[] = [
  {
    key: "names",
    header: "Names",
    sortValue: (certificate) => certificate.names[0] ?? "",
    cell: (certificate) => (
      <ul className="font-mono text-xs" aria-label="Names">
        {certificate.names.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
    ),
  },
  {
    key: "fingerprint",
    header: "SHA-256",
    cell: (certificate) => (
      <code className="text-xs" title={certificate.fingerprint}>
        {shortFingerprint(certificate.fingerprint)}
      </code>
    ),
  },
  {
    key: "notBefore",
    header: "Valid from",
    sortValue: (certificate) => certificate.notBefore,
    cell: (certificate) => formatDate(certificate.notBefore),
  },
  {
    key: "notAfter",
    header: "Valid to",
    sortValue: (certificate) => certificate.notAfter,
    cell: (certificate) => formatDate(certificate.notAfter),
  },
  {
    key: "status",
    header: "Status",
    cell: (certificate) => (
      <div className="flex flex-wrap gap-1">
        {certificate.isDefault && (
          <span className={`${BADGE_CLASS} bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100`}>
            default
          </span>
        )}
        {certificate.warnings.map((warning) => (
          <span
            key={warning}
            data-testid="certificate-warning"
            className={`${BADGE_CLASS} bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100`}
          >
            {warning}
          </span>
        ))}
      </div>
    ),
  },
];

export function CertificateTable() {
  const canEdit = useCan("editor");
  const certificates = useCertificates();
  const remove = useCertificateMutation((id: string) =>
    fetchJson(`/api/v1/certificates/${id}`, { method: "DELETE" }),
  );
  const setAutoRenew = useCertificateMutation(
    ({ id, autoRenew }: Pick<CertificateSummary, "id" | "autoRenew">) =>
      fetchJson(`/api/v1/certificates/${id}`, { method: "PATCH", body: { autoRenew } }),
  );

  if (!certificates.data) return <QueryState query={certificates} />;

  /** While the change is on its way the box already shows it; a refusal puts it back. */
  const shownAutoRenew = (certificate: CertificateSummary) =>
    setAutoRenew.isPending && setAutoRenew.variables.id === certificate.id
      ? setAutoRenew.variables.autoRenew
      : certificate.autoRenew;

  const renewalColumn: Column<CertificateSummary> = {
    key: "autoRenew",
    header: "Renewal",
    cell: (certificate) => (
      <CheckboxField
        label="Renew automatically"
        checked={shownAutoRenew(certificate)}
        disabled={!canEdit || setAutoRenew.isPending}
        onCheckedChange={(autoRenew) => setAutoRenew.mutate({ id: certificate.id, autoRenew })}
      />
    ),
  };

  const columns: Column<CertificateSummary>[] = canEdit
    ? [
        ...BASE_COLUMNS,
        renewalColumn,
        {
          key: "delete",
          header: "Delete",
          cell: (certificate) => (
            <ConfirmButton
              question={`Stop serving ${certificate.names[0] ?? "this certificate"}?`}
              confirmLabel="Delete"
              disabled={remove.isPending}
              onConfirm={() => remove.mutate(certificate.id)}
            >
              Delete
            </ConfirmButton>
          ),
        },
      ]
    : [...BASE_COLUMNS, renewalColumn];

  return (
    <div className="space-y-3">
      {remove.isError && <Notice tone="error">{remove.error.message}</Notice>}
      {setAutoRenew.isError && <Notice tone="error">{setAutoRenew.error.message}</Notice>}
      <DataTable
        label="certificates"
        rows={certificates.data}
        columns={columns}
        rowKey={(certificate) => certificate.id}
        searchText={(certificate) => `${certificate.names.join(" ")} ${certificate.fingerprint}`}
        initialSort={{ key: "notAfter", direction: "asc" }}
        empty={
          canEdit
            ? "No certificates yet: upload one below, or generate a self-signed one to try TLS out."
            : "No certificates yet. An editor can upload one."
        }
      />
    </div>
  );
}
