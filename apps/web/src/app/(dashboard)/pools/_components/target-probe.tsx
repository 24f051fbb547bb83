"use client";

import type { ProbeResult } from "@concierge/config/node-questions";
import { useMutation } from "@tanstack/react-query";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";

/** "Does each target answer", asked of a connected proxy node: probes run from the data plane. */
export function TargetProbe({ urls }: { urls: readonly string[] }) {
  const probe = useMutation({
    mutationFn: () =>
      fetchJson<Array<ProbeResult & { nodeId: string }>>("/api/v1/pools/probe", { method: "POST", body: { urls } }),
  });

  return (
    <div className="space-y-2">
      <Button
        variant="secondary"
        disabled={urls.length === 0 || probe.isPending}
        onClick={() => probe.mutate()}
      >
        {probe.isPending ? "Checking…" : "Check targets"}
      </Button>
      {probe.isError && <Notice tone="error">{probe.error.message}</Notice>}
      {probe.data && (
        <div data-testid="probe-results" className="space-y-1 text-sm">
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Checked from proxy node {probe.data[0]?.nodeId}.
          </p>
          <ul className="space-y-1">
            {probe.data.map((result) => (
              <li key={result.url} className="flex gap-2">
                <span aria-hidden="true">{result.answered ? "✓" : "✗"}</span>
                <span className="font-mono">{result.url}</span>
                <span className={result.answered ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}>
                  {result.answered
                    ? `answered ${result.status} in ${result.durationMs} ms`
                    : `does not answer: ${result.error}`}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
