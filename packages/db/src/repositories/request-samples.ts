import {
  ERROR_CAUSES,
  type ErrorCause,
  type RequestSampleKind,
  type RequestSampleRow,
} from "@concierge/config/traffic";

import { Prisma } from "../../generated/prisma/client.ts";
import type { Db } from "../client.ts";

export type { RequestSampleRow };

/** Rows per INSERT: 17 parameters each, well under PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 1_000;

export interface SampleBounds {
  /** The newest this many samples of the node are kept. */
  kept: number;
  /** Older samples of the node are deleted. */
  maxAgeMs: number;
}

/**
 * Stores one node's samples and, in the same transaction, deletes what falls outside its bounds,
 * so the table never holds more than `kept` rows per node however long the node runs.
 */
export async function writeRequestSamples(
  db: Db,
  nodeId: string,
  samples: readonly RequestSampleRow[],
  bounds: SampleBounds,
  now: Date = new Date(),
): Promise<void> {
  const statements = [];
  for (let start = 0; start < samples.length; start += ROWS_PER_STATEMENT) {
    const values = samples
      .slice(start, start + ROWS_PER_STATEMENT)
      .map(
        (sample) => Prisma.sql`(${sample.at}, ${nodeId}, ${sample.worker}, ${sample.routeId}, ${sample.poolId},
          ${sample.targetId}, ${sample.method}, ${sample.host}, ${sample.path}, ${sample.status}, ${sample.cause},
          ${sample.cacheStatus}, ${sample.slow}, ${sample.totalMs}::float8, ${sample.upstreamMs}::float8,
          ${sample.attempts}, ${sample.requestId})`,
      );
    statements.push(db.$executeRaw`
      INSERT INTO request_samples (at, node_id, worker, route_id, pool_id, target_id, method, host, path, status,
        cause, cache_status, slow, total_ms, upstream_ms, attempts, request_id)
      VALUES ${Prisma.join(values)}`);
  }
  const oldest = new Date(now.getTime() - bounds.maxAgeMs);
  statements.push(
    db.$executeRaw`DELETE FROM request_samples WHERE node_id = ${nodeId} AND at < ${oldest}`,
    db.$executeRaw`
      DELETE FROM request_samples WHERE id IN (
        SELECT id FROM request_samples WHERE node_id = ${nodeId} ORDER BY at DESC, id DESC OFFSET ${bounds.kept})`,
  );
  await db.$transaction(statements);
}

export interface RequestSampleFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  kind?: RequestSampleKind | undefined;
  routeId?: string | undefined;
  poolId?: string | undefined;
  targetId?: string | undefined;
  nodeId?: string | undefined;
  limit: number;
}

/** Samples matching the filter, newest first. */
export async function queryRequestSamples(
  db: Db,
  filter: RequestSampleFilter,
): Promise<RequestSampleRow[]> {
  const rows = await db.requestSample.findMany({
    where: {
      at: { gte: filter.from, lt: filter.to },
      routeId: filter.routeId,
      poolId: filter.poolId,
      targetId: filter.targetId,
      nodeId: filter.nodeId,
      ...(filter.kind === "slow" && { slow: true }),
      ...(filter.kind === "failed" && { cause: { not: null } }),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: filter.limit,
  });
  return rows.map((row) => ({
    at: row.at,
    nodeId: row.nodeId,
    worker: row.worker,
    routeId: row.routeId,
    poolId: row.poolId,
    targetId: row.targetId,
    method: row.method,
    host: row.host,
    path: row.path,
    status: row.status,
    cause: toCause(row.cause),
    cacheStatus: row.cacheStatus,
    slow: row.slow,
    totalMs: row.totalMs,
    upstreamMs: row.upstreamMs,
    attempts: row.attempts,
    requestId: row.requestId,
  }));
}

/** A cause this version does not know (written by a newer node) reads as "internal". */
function toCause(stored: string | null): ErrorCause | null {
  if (stored === null) return null;
  return ERROR_CAUSES.find((cause) => cause === stored) ?? "internal";
}
