"use client";

import {
  ERROR_CAUSES,
  REQUEST_SAMPLE_KINDS,
  type ErrorCauseCounts,
  type RequestSampleKind,
  type RequestSampleList,
} from "@concierge/config/traffic";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { ERROR_CAUSE_LABELS } from "../../../../components/charts/error-cause-labels.ts";
import { formatCount, formatMs } from "../../../../components/charts/format.ts";
import { Panel } from "../../../../components/charts/panel.tsx";

/** The newest this many samples of the range are shown. */
const SHOWN = 50;

const KIND_LABELS: Record<RequestSampleKind, string> = { failed: "Failed", slow: "Slow" };

const requestSampleKeys = {
  all: ["traffic", "requests"] as const,
  list: (kind: RequestSampleKind, from: string, to: string) =>
    [...requestSampleKeys.all, kind, from, to] as const,
};

const time = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });

/** The sampled slow or failed requests of the chosen range: which requests went wrong, not only how many. */
export function RecentRequests({ from, to, causes }: { from: Date; to: Date; causes: ErrorCauseCounts }) {
  const [kind, setKind] = useState<RequestSampleKind>("failed");
  const range = { from: from.toISOString(), to: to.toISOString() };
  const samples = useQuery({
    queryKey: requestSampleKeys.list(kind, range.from, range.to),
    queryFn: ({ signal }) =>
      fetchJson<RequestSampleList>(
        `/api/v1/traffic/requests?${new URLSearchParams({ ...range, kind, limit: String(SHOWN) })}`,
        { signal },
      ),
    placeholderData: (previous) => previous,
  });
  const listed = samples.data?.samples ?? [];
  const counted = ERROR_CAUSES.filter((cause) => (causes[cause] ?? 0) > 0);

  const tabs = (
    <div role="tablist" aria-label="Which requests" className="flex gap-1 text-xs">
      {REQUEST_SAMPLE_KINDS.toSorted().map((option) => (
        <button
          key={option}
          type="button"
          role="tab"
          aria-selected={option === kind}
          onClick={() => setKind(option)}
          className="rounded border border-slate-300 px-2 py-0.5 text-slate-700 aria-selected:bg-slate-900 aria-selected:text-white dark:border-slate-600 dark:text-slate-300 dark:aria-selected:bg-slate-100 dark:aria-selected:text-slate-900"
        >
          {KIND_LABELS[option]}
        </button>
      ))}
    </div>
  );

  return (
    <Panel title="Recent slow and failed requests" actions={tabs}>
      <p className="mb-2 text-sm text-slate-700 dark:text-slate-300" data-testid="failure-causes">
        {counted.length === 0
          ? "No failed requests in this range."
          : `Failed requests in this range: ${counted
              .map((cause) => `${ERROR_CAUSE_LABELS[cause]} ${formatCount(causes[cause] ?? 0)}`)
              .join(" · ")}.`}
      </p>
      <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
        Below, a sample: each proxy worker keeps a few of each kind per second, path without its query string.
      </p>
      {samples.isPending && <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>}
      {samples.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">{samples.error.message}</p>
      )}
      {samples.isSuccess && listed.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="request-samples-empty">
          No {kind} requests were sampled in this range.
        </p>
      )}
      {listed.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="request-samples">
            <caption className="sr-only">{KIND_LABELS[kind]} requests, newest first</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-600 uppercase dark:border-slate-700 dark:text-slate-400">
                <th scope="col" className="py-2 pr-3 font-medium">Time</th>
                <th scope="col" className="py-2 pr-3 font-medium">Request</th>
                <th scope="col" className="py-2 pr-3 font-medium">Route → target</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Status</th>
                <th scope="col" className="py-2 pr-3 font-medium">Cause</th>
                <th scope="col" className="py-2 pr-3 font-medium">Cache</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Total</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Upstream</th>
                <th scope="col" className="py-2 text-right font-medium">Attempts</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {listed.map((sample) => (
                <tr key={`${sample.nodeId}/${sample.requestId}/${sample.at}`} data-testid="request-sample">
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <time dateTime={sample.at}>{time.format(new Date(sample.at))}</time>
                    <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">
                      {sample.nodeId} · worker {sample.worker}
                    </span>
                  </td>
                  <td className="max-w-xs py-2 pr-3">
                    <span className="font-mono text-xs break-all text-slate-900 dark:text-slate-100">
                      {sample.method} {sample.host}
                      {sample.path}
                    </span>
                    <span className="block font-mono text-xs text-slate-600 dark:text-slate-400" title="request id">
                      {sample.requestId}
                    </span>
                  </td>
                  <td className="py-2 pr-3">
                    <span className="text-slate-900 dark:text-slate-100">
                      {sample.routeName ?? (sample.routeId === "" ? "no route" : sample.routeId)}
                    </span>
                    <span className="block font-mono text-xs break-all text-slate-600 dark:text-slate-400">
                      {sample.targetUrl ?? (sample.targetId === "" ? "no target" : sample.targetId)}
                    </span>
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums" data-testid="request-sample-status">
                    {sample.status}
                  </td>
                  <td className="py-2 pr-3" data-testid="request-sample-cause">
                    {sample.cause === null ? (
                      <span className="text-slate-500 dark:text-slate-400">–</span>
                    ) : (
                      <span className="text-[#B34700] dark:text-[#FF8F4D]">{ERROR_CAUSE_LABELS[sample.cause]}</span>
                    )}
                  </td>
                  <td className="py-2 pr-3 text-xs">{sample.cacheStatus}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{formatMs(sample.totalMs)}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">
                    {sample.upstreamMs > 0 ? formatMs(sample.upstreamMs) : "–"}
                  </td>
                  <td className="py-2 text-right tabular-nums">{sample.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
