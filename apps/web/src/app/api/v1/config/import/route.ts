import { ConfigBackupSchema, importConfig } from "../../../../../data/config-backup.ts";
import { defineHandler } from "../../../../../data/define-handler.ts";
import { readRevisionMessage } from "../../../../../data/revisions.ts";

// POST /api/v1/config/import — replace the whole configuration with a backup, as one revision
export const POST = defineHandler(
  { body: ConfigBackupSchema },
  ({ actor, body, client, request }) =>
    importConfig(actor, body, client, readRevisionMessage(request.url)),
);
