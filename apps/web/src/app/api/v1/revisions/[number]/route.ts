import { defineHandler } from "../../../../../data/define-handler.ts";
import { getRevision } from "../../../../../data/revisions.ts";

// GET /api/v1/revisions/{number} — one revision with its whole snapshot
export const GET = defineHandler({}, ({ actor, params }) =>
  getRevision(actor, params.number ?? ""),
);
