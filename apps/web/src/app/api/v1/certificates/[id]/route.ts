import { CertificateAutoRenewSchema } from "@concierge/config/certificate";

import { defineHandler } from "../../../../../data/define-handler.ts";
import { deleteCertificate, setCertificateAutoRenew } from "../../../../../data/certificates.ts";

// PATCH /api/v1/certificates/{id} — turn auto-renewal on or off (editor); answers the certificate and the new revision
export const PATCH = defineHandler(
  { body: CertificateAutoRenewSchema },
  ({ actor, body, params, client }) => setCertificateAutoRenew(actor, params.id ?? "", body, client),
);

// DELETE /api/v1/certificates/{id} — stop serving a certificate (editor); answers the new revision
export const DELETE = defineHandler({}, ({ actor, params, client }) =>
  deleteCertificate(actor, params.id ?? "", client),
);
