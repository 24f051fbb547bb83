import { ConfigBackupSchema, importConfig } from "../../../../../data/config-backup.ts";
import { defineHandler } from "../../../../../data/define-handler.ts";
import { readRevisionMessage } from "../../../../../data/revisions.ts";

// POST /api/v1/config/import — replace the whole configuration with a backup, as one revision
export const POST = defineHandler(
  // A whole configuration can outgrow the default 1 MiB body limit.
  { body: ConfigBackupSchema, maxBodyBytes: 32 * 1024 * 1024 },
  ({ actor, body, client, request }) =>
    importConfig(actor, body, client, readRevisionMessage(request.url)),
);
