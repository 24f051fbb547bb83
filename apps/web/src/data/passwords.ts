import { z } from "zod";

/** Long enough to resist guessing; the upper bound keeps argon2 work per request bounded. */
export const NewPasswordSchema = z
  .string()
  .min(12, { message: "must be at least 12 characters" })
  .max(256, { message: "must be at most 256 characters" });
