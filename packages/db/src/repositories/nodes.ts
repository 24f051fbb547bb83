import type { Db, Tx } from "../client.ts";

/** What a proxy node says about itself every few seconds. */
export interface NodeHeartbeat {
  id: string;
  host: string;
  version: string;
  workers: number;
  startedAt: Date;
  /** The revision every worker of the node serves; null while it serves none. */
  revisionApplied: number | null;
  /** Why the last revision was refused, or the last serious error; null when all is well. */
  lastError: string | null;
}

export interface ProxyNodeRow extends NodeHeartbeat {
  lastHeartbeatAt: Date;
}

const nodeFields = {
  id: true,
  host: true,
  version: true,
  workers: true,
  startedAt: true,
  lastHeartbeatAt: true,
  revisionApplied: true,
  lastError: true,
} as const;

/** Creates the node's row on its first beat and refreshes it on every later one. */
export async function upsertNodeHeartbeat(db: Db | Tx, heartbeat: NodeHeartbeat): Promise<void> {
  const { id, ...fields } = heartbeat;
  const lastHeartbeatAt = new Date();
  await db.proxyNode.upsert({
    where: { id },
    create: { id, ...fields, lastHeartbeatAt },
    update: { ...fields, lastHeartbeatAt },
    select: { id: true },
  });
}

/** Every node that ever beat, most recently heard first. */
export function listNodes(db: Db | Tx): Promise<ProxyNodeRow[]> {
  return db.proxyNode.findMany({ select: nodeFields, orderBy: { lastHeartbeatAt: "desc" } });
}
