"use client";

import { useLiveNodes } from "../../../hooks/use-live-nodes.ts";

/** "All nodes" or one proxy node; nodes that are down stay listed so their history can be read. */
export function OverviewNodePicker({
  nodeId,
  onChange,
}: {
  nodeId: string;
  onChange: (nodeId: string) => void;
}) {
  const nodes = useLiveNodes();
  const listed = nodes.data?.nodes ?? [];
  const known = nodeId === "all" || listed.some((node) => node.id === nodeId);

  return (
    <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
      Node
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
        value={nodeId}
        onChange={(event) => onChange(event.target.value)}
        data-testid="node-picker"
      >
        <option value="all">All nodes</option>
        {!known && <option value={nodeId}>{nodeId}</option>}
        {listed.map((node) => (
          <option key={node.id} value={node.id}>
            {node.host} ({node.id.slice(0, 8)}){node.status === "down" ? " · down" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
