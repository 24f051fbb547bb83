import { CertificateUploadSchema } from "@concierge/config/certificate";

import { defineHandler } from "../../../../data/define-handler.ts";
import { createCertificate, listCertificates } from "../../../../data/certificates.ts";

// GET /api/v1/certificates — names, fingerprint, validity and warnings of every certificate (never keys)
export const GET = defineHandler({}, ({ actor }) => listCertificates(actor));

// POST /api/v1/certificates — upload a PEM chain and its key (editor); answers the certificate and the new revision
export const POST = defineHandler(
  { body: CertificateUploadSchema, status: 201 },
  ({ actor, body, client }) => createCertificate(actor, body, client),
);
