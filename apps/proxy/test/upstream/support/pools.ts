import { randomUUID } from "node:crypto";

import { pino } from "pino";

import { PoolSchema, type Pool } from "@concierge/config/pool";

import type { Logger } from "../../../src/logger.ts";

type PoolOverrides = Partial<Omit<Pool, "id" | "targets" | "name">> & { id?: string; name?: string };
type TargetOverrides = { id?: string; url: string; weight?: number; enabled?: boolean; draining?: boolean };

/** A valid pool as the config loader would hand it over, probes off unless asked for. */
export function poolOf(targets: readonly (string | TargetOverrides)[], overrides: PoolOverrides = {}): Pool {
  return PoolSchema.parse({
    id: overrides.id ?? randomUUID(),
    name: overrides.name ?? "test-pool",
    healthCheck: { enabled: false },
    ...overrides,
    targets: targets.map((target) =>
      typeof target === "string" ? { id: randomUUID(), url: target } : { id: randomUUID(), ...target },
    ),
  });
}

export const silentLog: Logger = pino({ level: "silent" });

/** Polls `condition` until it holds or `timeoutMs` passes; never a fixed sleep. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
