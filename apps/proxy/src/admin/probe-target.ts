/**
 * "Does this target answer", asked from the data plane: the node reaches origins by its own
 * network path, which is the one that matters. One connection per probe, closed afterwards, so a
 * probe neither borrows nor leaves behind a connection of the target's pool.
 */
import { Client } from "undici";

import type { ProbeAnswer, ProbeQuestion, ProbeResult } from "@concierge/config/node-questions";

import type { CompiledConfig } from "../config/compile-config.ts";
import { toUpstreamPool } from "../upstream/upstream-pool.ts";

export const PROBE_TIMEOUT_MS = 2_000;

export interface ProbeSources {
  nodeId: string;
  worker: number;
  current(): CompiledConfig | undefined;
}

export async function probeTargets(question: ProbeQuestion, sources: ProbeSources): Promise<ProbeAnswer> {
  const named = question.targets.map((wanted) => {
    const target = findTarget(sources.current(), wanted.poolId, wanted.targetId);
    return target
      ? probeUrl(target.url).then((result) => ({ ...result, ...wanted }))
      : Promise.resolve(unknownTarget(wanted.poolId, wanted.targetId));
  });
  const results = await Promise.all([...question.urls.map((url) => probeUrl(url)), ...named]);
  return { kind: "probe", nodeId: sources.nodeId, worker: sources.worker, results };
}

function findTarget(config: CompiledConfig | undefined, poolId: string, targetId: string) {
  const pool = config?.pools.get(poolId);
  return pool ? toUpstreamPool(pool).targets.find((target) => target.id === targetId) : undefined;
}

function unknownTarget(poolId: string, targetId: string): ProbeResult {
  return {
    url: "",
    poolId,
    targetId,
    answered: false,
    status: null,
    error: `this node's config has no target ${targetId} in pool ${poolId}`,
    durationMs: 0,
  };
}

/** HEAD, or GET for origins that refuse HEAD; any HTTP answer counts as answered. */
export async function probeUrl(url: string): Promise<ProbeResult> {
  const started = performance.now();
  const target = new URL(url);
  const client = new Client(target.origin, { connect: { timeout: PROBE_TIMEOUT_MS } });
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    let status = await probeOnce(client, target, "HEAD", signal);
    if (status === 405 || status === 501) status = await probeOnce(client, target, "GET", signal);
    return { url, answered: true, status, error: null, durationMs: elapsed() };
  } catch (error) {
    return { url, answered: false, status: null, error: describeFailure(error), durationMs: elapsed() };
  } finally {
    void client.destroy();
  }
}

async function probeOnce(client: Client, url: URL, method: "HEAD" | "GET", signal: AbortSignal): Promise<number> {
  const response = await client.request({ method, path: `${url.pathname}${url.search}`, signal });
  await response.body.dump();
  return response.statusCode;
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError" || error.name === "AbortError" || (error as { code?: unknown }).code === "UND_ERR_CONNECT_TIMEOUT") {
    return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : error.message;
}
