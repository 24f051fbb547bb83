import { defineHandler } from "../../../../data/define-handler.ts";
import { readPageQuery } from "../../../../data/page-query.ts";
import { listRevisions } from "../../../../data/revisions.ts";

// GET /api/v1/revisions — config revisions, newest first (?before=&limit=)
export const GET = defineHandler({}, ({ actor, request }) =>
  listRevisions(actor, readPageQuery(request.url)),
);
