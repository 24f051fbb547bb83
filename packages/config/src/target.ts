import { z } from "zod";

/**
 * An origin server of a pool. `url` is `http://host:port` (or https) with no credentials,
 * no query and no fragment; a path, when present, is prefixed to every forwarded path.
 */
export const TargetUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an absolute URL like http://10.0.0.5:8080" });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: `scheme must be http or https, not ${url.protocol.slice(0, -1)}` });
  }
  if (url.username !== "" || url.password !== "") {
    ctx.addIssue({ code: "custom", message: "must not carry credentials" });
  }
  if (url.search !== "" || url.hash !== "") {
    ctx.addIssue({ code: "custom", message: "must not carry a query or fragment" });
  }
});

export const TargetInputSchema = z.strictObject({
  /** Present when updating an existing target; absent for a new one. */
  id: z.uuid().optional(),
  url: TargetUrlSchema,
  /** Relative share of traffic for weighted strategies. Default 1; 0 sends nothing. */
  weight: z.int().min(0).max(1000).default(1),
  /** A disabled target gets no traffic and no probes. Default true. */
  enabled: z.boolean().default(true),
  /** A draining target finishes its in-flight requests and gets no new ones. Default false. */
  draining: z.boolean().default(false),
});
export type TargetInput = z.input<typeof TargetInputSchema>;

export const TargetSchema = TargetInputSchema.extend({ id: z.uuid() });
export type Target = z.output<typeof TargetSchema>;
