import {
  LATENCY_BUCKET_COUNT,
  LIVE_HISTORY_MS,
  addCounters,
  emptyCounters,
  summarizeLatency,
  type LiveTick,
  type MetricsDelta,
  type TrafficCounters,
} from "@concierge/config/realtime";
import { addErrorCauses, type ErrorCauseCounts } from "@concierge/config/traffic";

/** The room name and the `nodeId` of a tick summed over every node. */
export const ALL_NODES = "all";

interface NodeState {
  /** Deltas received since the last all-nodes tick. */
  pending: MetricsDelta[];
  latest: MetricsDelta;
  /** Gone: its last deltas still count in the next all-nodes tick, then it is forgotten. */
  disconnected: boolean;
}

interface Summed {
  counters: TrafficCounters;
  latency: number[];
}

function emptySummed(): Summed {
  return { counters: emptyCounters(), latency: new Array<number>(LATENCY_BUCKET_COUNT).fill(0) };
}

function addSummed(into: Summed, counters: TrafficCounters, latency: readonly number[]): void {
  addCounters(into.counters, counters);
  latency.forEach((count, index) => (into.latency[index] = (into.latency[index] ?? 0) + count));
}

/**
 * Builds one browser tick from some nodes' deltas: counters and failures by cause add up over
 * every delta given, gauges come from each node's latest delta, percentiles from the merged
 * histograms.
 */
export function buildTick(
  nodeId: string,
  nodes: ReadonlyArray<{ nodeId: string; deltas: readonly MetricsDelta[]; latest: MetricsDelta }>,
  at: number,
): LiveTick {
  const total = emptySummed();
  const errorCauses: ErrorCauseCounts = {};
  const routes = new Map<string, Summed & { routeId: string; poolId: string; name: string }>();
  const pools = new Map<string, Summed & { poolId: string; name: string }>();
  const targets: LiveTick["targets"] = [];
  let clientConnections = 0;
  let inFlight = 0;
  let upstreamConnections = 0;
  let newUpstreamConnections = 0;
  let upstreamRequests = 0;
  let intervalMs = 0;

  for (const node of nodes) {
    clientConnections += node.latest.clientConnections;
    inFlight += node.latest.inFlight;
    const targetTraffic = new Map<string, { requests: number; newConnections: number }>();
    for (const delta of node.deltas) {
      intervalMs = Math.max(intervalMs, delta.intervalMs);
      addErrorCauses(errorCauses, delta.errorCauses);
      for (const route of delta.routes) {
        addSummed(total, route.counters, route.latency);
        const routeKey = `${route.routeId}\n${route.poolId}`;
        let routeSum = routes.get(routeKey);
        if (!routeSum) {
          routeSum = {
            ...emptySummed(),
            routeId: route.routeId,
            poolId: route.poolId,
            name: route.name,
          };
          routes.set(routeKey, routeSum);
        }
        addSummed(routeSum, route.counters, route.latency);
        let poolSum = pools.get(route.poolId);
        if (!poolSum) {
          poolSum = { ...emptySummed(), poolId: route.poolId, name: route.poolName };
          pools.set(route.poolId, poolSum);
        }
        addSummed(poolSum, route.counters, route.latency);
      }
      for (const target of delta.targets) {
        const key = `${target.poolId}\n${target.targetId}`;
        const traffic = targetTraffic.get(key) ?? { requests: 0, newConnections: 0 };
        traffic.requests += target.requests;
        traffic.newConnections += target.newConnections;
        targetTraffic.set(key, traffic);
      }
    }
    for (const target of node.latest.targets) {
      const traffic = targetTraffic.get(`${target.poolId}\n${target.targetId}`) ?? {
        requests: 0,
        newConnections: 0,
      };
      upstreamConnections += target.openConnections;
      newUpstreamConnections += traffic.newConnections;
      upstreamRequests += traffic.requests;
      targets.push({ ...target, ...traffic, nodeId: node.nodeId, share: 0 });
    }
  }

  const poolRequests = new Map<string, number>();
  for (const target of targets)
    poolRequests.set(target.poolId, (poolRequests.get(target.poolId) ?? 0) + target.requests);
  for (const target of targets) {
    const inPool = poolRequests.get(target.poolId) ?? 0;
    target.share = inPool === 0 ? 0 : target.requests / inPool;
  }

  const withLatency = <T extends Summed>({ counters, latency, ...rest }: T) => ({
    ...rest,
    ...counters,
    latency: summarizeLatency(latency),
  });
  return {
    at,
    intervalMs: intervalMs || 1_000,
    nodeId,
    totals: {
      ...withLatency(total),
      errorCauses,
      clientConnections,
      upstreamConnections,
      newUpstreamConnections,
      requestsPerUpstreamConnection:
        newUpstreamConnections === 0 ? null : upstreamRequests / newUpstreamConnections,
      inFlight,
    },
    routes: [...routes.values()].map(withLatency),
    pools: [...pools.values()].map(withLatency),
    targets,
    nodes: nodes.map((node) => ({
      nodeId: node.nodeId,
      workers: node.latest.workers,
      revision: node.latest.revision,
    })),
  };
}

export interface LiveAggregator {
  /** A node's delta: a tick for that node's room right away; it joins the next all-nodes tick. */
  receive(nodeId: string, delta: MetricsDelta): void;
  /** The tick over every connected node, from the deltas since the last one; call once a second. */
  tickAll(): void;
  nodeDisconnected(nodeId: string): void;
  connectedNodes(): string[];
  /** Ticks of the last 15 minutes of a room ("all" or a node id), oldest first. */
  history(nodeId: string): LiveTick[];
}

/**
 * Per-node and all-nodes live ticks, with 15 minutes of history per room in memory so a page
 * can be seeded before the socket takes over.
 */
export function createLiveAggregator(options: {
  emit: (room: string, tick: LiveTick) => void;
  historyMs?: number;
  now?: () => number;
}): LiveAggregator {
  const historyMs = options.historyMs ?? LIVE_HISTORY_MS;
  const now = options.now ?? Date.now;
  const nodes = new Map<string, NodeState>();
  const histories = new Map<string, LiveTick[]>();

  function remember(room: string, tick: LiveTick): void {
    const ticks = histories.get(room) ?? [];
    ticks.push(tick);
    const oldest = tick.at - historyMs;
    let expired = 0;
    while (expired < ticks.length && (ticks[expired]?.at ?? 0) < oldest) expired++;
    if (expired > 0) ticks.splice(0, expired);
    histories.set(room, ticks);
    options.emit(room, tick);
  }

  return {
    receive(nodeId, delta) {
      const state = nodes.get(nodeId);
      if (state) {
        state.pending.push(delta);
        state.latest = delta;
        state.disconnected = false;
      } else {
        nodes.set(nodeId, { pending: [delta], latest: delta, disconnected: false });
      }
      remember(nodeId, buildTick(nodeId, [{ nodeId, deltas: [delta], latest: delta }], now()));
    },
    tickAll() {
      const parts = [...nodes].map(([nodeId, state]) => ({
        nodeId,
        deltas: state.pending,
        latest: state.latest,
      }));
      for (const [nodeId, state] of nodes) {
        state.pending = [];
        if (state.disconnected) nodes.delete(nodeId);
      }
      remember(ALL_NODES, buildTick(ALL_NODES, parts, now()));
    },
    nodeDisconnected(nodeId) {
      const state = nodes.get(nodeId);
      if (state) state.disconnected = true;
    },
    connectedNodes: () =>
      [...nodes].filter(([, state]) => !state.disconnected).map(([nodeId]) => nodeId),
    history: (nodeId) => [...(histories.get(nodeId) ?? [])],
  };
}
