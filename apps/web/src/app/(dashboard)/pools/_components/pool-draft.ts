import {
  HealthCheckSchema,
  PassiveEjectionSchema,
  RetrySchema,
  TimeoutsSchema,
  type Pool,
  type PoolInputSchema,
} from "@concierge/config/pool";
import type { z } from "zod";

/** What the pool form edits: every field present, so each input has a value. */
export type PoolDraft = Omit<z.output<typeof PoolInputSchema>, "targets"> & {
  targets: { id?: string; url: string; weight: number; enabled: boolean; draining: boolean }[];
};

export function emptyTarget(): PoolDraft["targets"][number] {
  return { url: "", weight: 1, enabled: true, draining: false };
}

export function newPoolDraft(): PoolDraft {
  return {
    name: "",
    algorithm: "round_robin",
    hashKey: { source: "client_ip" },
    stickyCookie: { name: "concierge_sticky", ttlSeconds: 0 },
    healthCheck: HealthCheckSchema.parse({}),
    passiveEjection: PassiveEjectionSchema.parse({}),
    retry: RetrySchema.parse({}),
    timeouts: TimeoutsSchema.parse({}),
    maxConnectionsPerTarget: 128,
    targets: [emptyTarget()],
  };
}

export function toPoolDraft({ id: _id, ...pool }: Pool): PoolDraft {
  return pool;
}
