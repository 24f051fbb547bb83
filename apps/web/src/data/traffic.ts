import { LATENCY_BUCKET_COUNT, summarizeLatency } from "@concierge/config/realtime";
import {
  TrafficQuerySchema,
  chooseTrafficStep,
  toErrorCauseCounts,
  type TrafficPoint,
  type TrafficQuery,
  type TrafficResponse,
  type TrafficSeries,
} from "@concierge/config/traffic";
import {
  oldestMinuteRollup,
  queryTraffic,
  type TrafficCell,
} from "@concierge/db/repositories/rollups";

import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";
import { InvalidInputError } from "./errors.ts";
import { toFieldErrors } from "./field-errors.ts";

const HOUR_SECONDS = 3_600;

/** `?from&to&step&groupBy&routeId&poolId&nodeId`; an empty parameter is absent. */
export function readTrafficQuery(url: string): TrafficQuery {
  const { searchParams } = new URL(url);
  const raw = Object.fromEntries([...searchParams].filter(([, value]) => value !== ""));
  const parsed = TrafficQuerySchema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError("Invalid query", toFieldErrors(parsed.error.issues));
  return parsed.data;
}

/**
 * Traffic history from the rollups, one series per group, one point per step (gaps are zeros).
 * Percentiles come from the merged latency histograms of each step, never from averages. A range
 * reaching back past the minute buckets gets at least hour steps, the only resolution kept there.
 */
export async function getTraffic(actor: Actor, query: TrafficQuery): Promise<TrafficResponse> {
  requireRole(actor, "viewer");
  const oldestMinute = await oldestMinuteRollup(db());
  const onlyHours = oldestMinute === null ? false : query.from < oldestMinute;
  const rangeSeconds = (query.to.getTime() - query.from.getTime()) / 1000;
  const stepSeconds = query.step ?? chooseTrafficStep(rangeSeconds, onlyHours ? HOUR_SECONDS : 60);

  const cells = await queryTraffic(db(), { ...query, stepSeconds });
  const labels = await labelsFor(query.groupBy, new Set(cells.map((cell) => cell.key)));

  const firstSlot = Math.floor(query.from.getTime() / 1000 / stepSeconds) * stepSeconds;
  const slotCount = Math.ceil((query.to.getTime() / 1000 - firstSlot) / stepSeconds);
  const byKey = new Map<string, Map<number, TrafficCell>>();
  for (const cell of cells) {
    const slots = byKey.get(cell.key) ?? new Map<number, TrafficCell>();
    slots.set(cell.slot, cell);
    byKey.set(cell.key, slots);
  }

  const series: TrafficSeries[] = [...byKey].map(([key, slots]) => ({
    key,
    label: labels.get(key) ?? (key === "" ? "(none)" : key),
    points: Array.from({ length: slotCount }, (_, index) =>
      toPoint(firstSlot + index * stepSeconds, slots),
    ),
  }));
  series.sort((a, b) => total(b) - total(a) || a.label.localeCompare(b.label));
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    stepSeconds,
    groupBy: query.groupBy,
    series,
  };
}

function toPoint(slot: number, slots: Map<number, TrafficCell>): TrafficPoint {
  const cell = slots.get(slot);
  return {
    t: new Date(slot * 1000).toISOString(),
    requests: cell?.requests ?? 0,
    errors: cell?.errors ?? 0,
    errorCauses: toErrorCauseCounts(cell?.errorCauses ?? []),
    bytesOut: cell?.bytesOut ?? 0,
    bytesSaved: cell?.bytesSaved ?? 0,
    cacheHits: cell?.cacheHits ?? 0,
    cacheMisses: cell?.cacheMisses ?? 0,
    ...summarizeLatency(cell?.latency ?? new Array<number>(LATENCY_BUCKET_COUNT).fill(0)),
  };
}

const total = (series: TrafficSeries) =>
  series.points.reduce((sum, point) => sum + point.requests, 0);

/** Display names for ids: route and pool names, target URLs, node hosts; status and cache keys are their own labels. */
async function labelsFor(
  groupBy: TrafficQuery["groupBy"],
  keys: Set<string>,
): Promise<Map<string, string>> {
  const ids = [...keys].filter((key) => key !== "");
  const client = db();
  switch (groupBy) {
    case "route": {
      const rows = await client.route.findMany({
        where: { id: { in: uuids(ids) } },
        select: { id: true, name: true },
      });
      return new Map(rows.map((row) => [row.id, row.name]));
    }
    case "pool": {
      const rows = await client.pool.findMany({
        where: { id: { in: uuids(ids) } },
        select: { id: true, name: true },
      });
      return new Map(rows.map((row) => [row.id, row.name]));
    }
    case "target": {
      const rows = await client.target.findMany({
        where: { id: { in: uuids(ids) } },
        select: { id: true, url: true },
      });
      return new Map(rows.map((row) => [row.id, row.url]));
    }
    case "node": {
      const rows = await client.proxyNode.findMany({
        where: { id: { in: ids } },
        select: { id: true, host: true },
      });
      return new Map(rows.map((row) => [row.id, `${row.host} (${row.id})`]));
    }
    case "status":
    case "cache":
      return new Map();
  }
}

/** Rollups keep ids of deleted objects too; only well-formed ones can be looked up in uuid columns. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuids = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));
