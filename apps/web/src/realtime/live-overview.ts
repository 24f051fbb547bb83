import { LiveFilterSchema, type LiveOverview } from "@concierge/config/realtime";

import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { InvalidInputError } from "../data/errors.ts";
import { toFieldErrors } from "../data/field-errors.ts";
import { ALL_NODES } from "./live-aggregator.ts";
import { liveSource } from "./live-source.ts";

/** `?node=all` (default) or a node id → the last 15 minutes of that room's ticks, oldest first. */
export function readLiveOverview(actor: Actor, url: string): LiveOverview {
  requireRole(actor, "viewer");
  const parsed = LiveFilterSchema.safeParse({
    nodeId: new URL(url).searchParams.get("node") ?? ALL_NODES,
  });
  if (!parsed.success)
    throw new InvalidInputError("Invalid query", toFieldErrors(parsed.error.issues));
  const { nodeId } = parsed.data;
  return { nodeId, ticks: liveSource()?.history(nodeId) ?? [] };
}
