import { listAudit } from "../../../../data/audit.ts";
import { defineHandler } from "../../../../data/define-handler.ts";
import { readPageQuery } from "../../../../data/page-query.ts";

// GET /api/v1/audit — audit log, newest first (?before=&limit=)
export const GET = defineHandler({}, ({ actor, request }) =>
  listAudit(actor, readPageQuery(request.url)),
);
