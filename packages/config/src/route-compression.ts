import { z } from "zod";

export const DEFAULT_COMPRESSIBLE_TYPES = [
  "text/*",
  "application/json",
  "application/javascript",
  "application/xml",
  "application/*+json",
  "application/*+xml",
  "image/svg+xml",
  "application/wasm",
] as const;

/** gzip / brotli on the way out, chosen by the client's Accept-Encoding. */
export const CompressionSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Smaller answers (by Content-Length) go out as they are. */
  minBytes: z.int().min(0).max(1_073_741_824).default(1_024),
  /** Media types, `type/*` and `type/*+suffix` patterns allowed; lower-case. */
  types: z
    .array(z.string().toLowerCase().regex(/^[a-z0-9!#$&^_.+-]+\/([a-z0-9!#$&^_.+-]+|\*|\*\+[a-z0-9.-]+)$/, { message: "must be a media type like text/* or application/json" }))
    .min(1)
    .max(100)
    .default([...DEFAULT_COMPRESSIBLE_TYPES]),
});
