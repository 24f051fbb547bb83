import { exportConfig } from "../../../../../data/config-backup.ts";
import { defineHandler } from "../../../../../data/define-handler.ts";

// GET /api/v1/config/export — the latest revision's whole configuration, as a backup file
export const GET = defineHandler({}, ({ actor }) => exportConfig(actor));
