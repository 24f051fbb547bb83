import type { LiveTotals } from "@concierge/config/realtime";

import { formatCount, formatRate } from "../../../../components/charts/format.ts";
import type { UpstreamLink } from "./upstream-links.ts";

const WIDTH = 760;
const ROW = 64;
const BOX = { clients: { x: 10, w: 170 }, proxy: { x: 300, w: 150 }, target: { x: 540, w: 210 } };

/** Line width grows with the square root of connections, so 2 and 200 both stay readable. */
function thickness(connections: number): number {
  return Math.min(18, 1.5 + Math.sqrt(connections) * 1.5);
}

function describeReuse(link: UpstreamLink): string {
  return link.requestsPerConnection === null
    ? "no new conns"
    : `${formatCount(link.requestsPerConnection)} req/conn`;
}

/**
 * Clients on the left, the proxy in the middle, each target on the right. Every line is
 * labelled with its numbers, so the picture reads without telling colours apart.
 */
export function ConnectionDiagram({ totals, links }: { totals: LiveTotals | undefined; links: readonly UpstreamLink[] }) {
  const rows = Math.max(links.length, 1);
  const height = Math.max(200, rows * ROW + 40);
  const middle = height / 2;
  const clients = totals?.clientConnections ?? 0;

  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${height}`}
      className="h-auto w-full text-slate-800 dark:text-slate-100"
      role="img"
      aria-labelledby="connection-diagram-title"
      data-testid="connection-diagram"
    >
      <title id="connection-diagram-title">
        {`${clients} client connections to the proxy; ${totals?.upstreamConnections ?? 0} connections from the proxy to ${links.length} targets`}
      </title>
      <g className="fill-none stroke-[#0072B2] dark:stroke-[#56B4E9]">
        <line x1={BOX.clients.x + BOX.clients.w} y1={middle} x2={BOX.proxy.x} y2={middle} strokeWidth={thickness(clients)} strokeLinecap="round" />
      </g>
      <text x={(BOX.clients.x + BOX.clients.w + BOX.proxy.x) / 2} y={middle - 14} textAnchor="middle" className="fill-current text-[12px]">
        {formatCount(clients)} conns
      </text>
      {links.map((link, index) => {
        const y = 20 + index * ROW + ROW / 2;
        const down = link.state !== "up";
        return (
          <g key={link.targetId} data-testid="connection-target">
            <line
              x1={BOX.proxy.x + BOX.proxy.w}
              y1={middle}
              x2={BOX.target.x}
              y2={y}
              strokeWidth={link.openConnections === 0 ? 1 : thickness(link.openConnections)}
              strokeDasharray={down ? "5 4" : undefined}
              strokeLinecap="round"
              className={down ? "stroke-[#D55E00] dark:stroke-[#FF8F4D]" : "stroke-[#009E73] dark:stroke-[#2BCB9E]"}
            />
            <rect x={BOX.target.x} y={y - 24} width={BOX.target.w} height={48} rx={6} className="fill-white stroke-slate-300 dark:fill-slate-800 dark:stroke-slate-600" />
            <text x={BOX.target.x + 8} y={y - 8} className="fill-current text-[12px] font-medium">
              {link.url.replace(/^https?:\/\//, "").slice(0, 28)}
              {down ? ` · ${link.state}` : ""}
            </text>
            <text x={BOX.target.x + 8} y={y + 8} className="fill-current text-[11px]" data-testid="connection-target-open">
              {`${formatCount(link.openConnections)} open · ${formatRate(link.newConnectionsPerSecond)} new`}
            </text>
            <text x={BOX.target.x + 8} y={y + 20} className="fill-current text-[11px]">
              {`${formatRate(link.requestsPerSecond)} · ${describeReuse(link)}`}
            </text>
          </g>
        );
      })}
      {links.length === 0 && (
        <text x={BOX.target.x} y={middle + 4} className="fill-current text-[12px]">
          No targets reported yet
        </text>
      )}
      <rect x={BOX.clients.x} y={middle - 34} width={BOX.clients.w} height={68} rx={8} className="fill-slate-100 stroke-slate-300 dark:fill-slate-800 dark:stroke-slate-600" />
      <text x={BOX.clients.x + BOX.clients.w / 2} y={middle - 6} textAnchor="middle" className="fill-current text-[14px] font-semibold">
        Clients
      </text>
      <text x={BOX.clients.x + BOX.clients.w / 2} y={middle + 14} textAnchor="middle" className="fill-current text-[12px]" data-testid="connection-clients">
        {`${formatCount(clients)} open connections`}
      </text>
      <rect x={BOX.proxy.x} y={middle - 34} width={BOX.proxy.w} height={68} rx={8} className="fill-slate-900 dark:fill-slate-100" />
      <text x={BOX.proxy.x + BOX.proxy.w / 2} y={middle - 6} textAnchor="middle" className="fill-white text-[14px] font-semibold dark:fill-slate-900">
        Concierge
      </text>
      <text x={BOX.proxy.x + BOX.proxy.w / 2} y={middle + 14} textAnchor="middle" className="fill-white text-[12px] dark:fill-slate-900">
        {`${formatCount(totals?.inFlight ?? 0)} in flight`}
      </text>
    </svg>
  );
}
