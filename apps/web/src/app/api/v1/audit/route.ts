import { listAudit, readAuditQuery } from "../../../../data/audit.ts";
import { defineHandler } from "../../../../data/define-handler.ts";

// GET /api/v1/audit — audit log, newest first (?actorId=&action=&entityType=&entityId=&before=&limit=)
export const GET = defineHandler({}, ({ actor, request }) =>
  listAudit(actor, readAuditQuery(request.url)),
);
