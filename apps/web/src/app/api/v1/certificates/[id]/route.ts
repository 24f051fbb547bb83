import { defineHandler } from "../../../../../data/define-handler.ts";
import { deleteCertificate } from "../../../../../data/certificates.ts";

// DELETE /api/v1/certificates/{id} — stop serving a certificate (editor); answers the new revision
export const DELETE = defineHandler({}, ({ actor, params, client }) =>
  deleteCertificate(actor, params.id ?? "", client),
);
