import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { hashToken } from "@concierge/db/token-hash";

import { startNode, type RunningNode } from "../../../proxy/test/control/support/start-node.ts";
import type { DashboardUnderTest } from "./signed-in-dashboard.ts";

export interface ConnectedNode {
  node: RunningNode;
  /** Stops the node and removes its data folder. */
  close(): Promise<void>;
}

/**
 * The real proxy node (from the bundle `buildProxyBundle` made) with one worker, on the
 * dashboard's database, signed in to the dashboard's web with a node token of its own. Resolves
 * once it is connected, so what it serves afterwards reaches the live dashboard.
 */
export async function startConnectedNode(
  dashboard: DashboardUnderTest,
  nodeId: string,
): Promise<ConnectedNode> {
  const token = randomBytes(24).toString("hex");
  await dashboard.database.db.nodeToken.create({ data: { name: nodeId, tokenHash: hashToken(token) } });
  const dataDir = await mkdtemp(join(tmpdir(), `concierge-${nodeId}-`));
  const node = await startNode({
    DATABASE_URL: dashboard.database.url,
    CONCIERGE_DATA_DIR: dataDir,
    CONCIERGE_WEB_URL: dashboard.web.baseUrl,
    PROXY_NODE_TOKEN: token,
    PROXY_NODE_ID: nodeId,
    PROXY_WORKERS: "1",
  });
  await node.waitForLog("the node connected to the web", (line) => line.msg === "live metrics connected");
  return {
    node,
    async close() {
      await node.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
