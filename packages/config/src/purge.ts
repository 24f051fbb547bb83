import { z } from "zod";

/** The dashboard NOTIFYs here; every proxy worker LISTENs and purges its own cache with the selector. */
export const PURGE_CHANNEL = "concierge_purge";

/** What a purge removes: one URL (all its query variants when it has no query), a URL prefix, or a tag. */
export const PurgeSelectorSchema = z.union([
  z.strictObject({ url: z.url({ message: "must be an absolute URL" }) }),
  z.strictObject({ prefix: z.url({ message: "must be an absolute URL prefix" }) }),
  z.strictObject({
    tag: z.string().trim().min(1, { message: "must not be empty" }).max(200),
  }),
]);
export type PurgeSelector = z.output<typeof PurgeSelectorSchema>;
