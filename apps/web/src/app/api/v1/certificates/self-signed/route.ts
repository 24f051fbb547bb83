import { SelfSignedRequestSchema } from "@concierge/config/certificate";

import { defineHandler } from "../../../../../data/define-handler.ts";
import { createSelfSignedCertificate } from "../../../../../data/certificates.ts";

// POST /api/v1/certificates/self-signed — generate and store a self-signed certificate for `hosts` (editor)
export const POST = defineHandler(
  { body: SelfSignedRequestSchema, status: 201 },
  ({ actor, body, client }) => createSelfSignedCertificate(actor, body, client),
);
