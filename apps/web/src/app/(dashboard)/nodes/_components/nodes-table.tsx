"use client";

import { formatAgo } from "../../../../components/charts/format.ts";
import { Panel } from "../../../../components/charts/panel.tsx";
import { useLiveNodes } from "../../../../hooks/use-live-nodes.ts";
import { OverviewLiveBadge } from "../../_components/overview-live-badge.tsx";

/** Every proxy node that ever sent a heartbeat, newest heartbeat first. */
export function NodesTable() {
  const nodes = useLiveNodes();
  const listed = [...(nodes.data?.nodes ?? [])].sort(
    (a, b) => a.heartbeatAgeMs - b.heartbeatAgeMs,
  );

  return (
    <Panel title="Proxy nodes" actions={<OverviewLiveBadge />}>
      {nodes.isPending && <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>}
      {nodes.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">{nodes.error.message}</p>
      )}
      {nodes.isSuccess && listed.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No proxy node has started against this database yet.
        </p>
      )}
      {listed.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="nodes-table">
            <caption className="sr-only">Proxy nodes</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-600 uppercase dark:border-slate-700 dark:text-slate-400">
                <th scope="col" className="py-2 pr-3 font-medium">Node</th>
                <th scope="col" className="py-2 pr-3 font-medium">Status</th>
                <th scope="col" className="py-2 pr-3 font-medium">Version</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Revision</th>
                <th scope="col" className="py-2 pr-3 font-medium">Last heartbeat</th>
                <th scope="col" className="py-2 font-medium">Last error</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {listed.map((node) => (
                <tr key={node.id} data-testid="node-row">
                  <th scope="row" className="py-2 pr-3 text-left font-normal">
                    <span className="font-medium text-slate-900 dark:text-slate-100">{node.host}</span>
                    <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">
                      {node.id} · {node.workers} {node.workers === 1 ? "worker" : "workers"}
                    </span>
                  </th>
                  <td className="py-2 pr-3">
                    <span
                      className={
                        node.status === "up"
                          ? "text-[#007A58] dark:text-[#2BCB9E]"
                          : "text-[#B34700] dark:text-[#FF8F4D]"
                      }
                      aria-hidden
                    >
                      {node.status === "up" ? "●" : "✕"}
                    </span>{" "}
                    <span data-testid="node-status">{node.status}</span>
                    <span className="block text-xs text-slate-600 dark:text-slate-400">
                      {node.live ? "live feed connected" : "no live feed"}
                    </span>
                  </td>
                  <td className="py-2 pr-3 font-mono text-xs">{node.version}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{node.revisionApplied ?? "–"}</td>
                  <td className="py-2 pr-3">
                    <time dateTime={node.lastHeartbeatAt} title={node.lastHeartbeatAt}>
                      {formatAgo(node.lastHeartbeatAt)}
                    </time>
                  </td>
                  <td className="py-2 text-xs text-slate-700 dark:text-slate-300">
                    {node.lastError ?? <span className="text-slate-500">none</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
