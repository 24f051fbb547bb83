import { defineHandler } from "../../../../../../data/define-handler.ts";
import { rollback } from "../../../../../../data/revisions.ts";

// POST /api/v1/revisions/{number}/rollback — make that revision's config current, as a new revision
export const POST = defineHandler({}, ({ actor, params, client }) =>
  rollback(actor, params.number ?? "", client),
);
