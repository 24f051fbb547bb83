import { PurgeSelectorSchema, purgeCache } from "../../../../../data/cache.ts";
import { defineHandler } from "../../../../../data/define-handler.ts";

// POST /api/v1/cache/purge — drop cached answers by {url} | {prefix} | {tag} on every proxy node (editor)
export const POST = defineHandler({ body: PurgeSelectorSchema, status: 202 }, ({ actor, body, client }) =>
  purgeCache(actor, body, client),
);
