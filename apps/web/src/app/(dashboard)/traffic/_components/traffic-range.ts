import { TRAFFIC_GROUP_BYS, type TrafficGroupBy } from "@concierge/config/traffic";

export const PRESET_RANGES = {
  "1h": { label: "Last hour", seconds: 3600 },
  "6h": { label: "6 h", seconds: 6 * 3600 },
  "24h": { label: "24 h", seconds: 86_400 },
  "7d": { label: "7 d", seconds: 7 * 86_400 },
  "30d": { label: "30 d", seconds: 30 * 86_400 },
  "90d": { label: "90 d", seconds: 90 * 86_400 },
} as const;
export type PresetRange = keyof typeof PRESET_RANGES;

/** What the URL holds, so a view can be shared: `?range=6h&groupBy=pool` or `?from=…&to=…`. */
export type TrafficView =
  | { range: PresetRange; groupBy: TrafficGroupBy }
  | { range: "custom"; from: string; to: string; groupBy: TrafficGroupBy };

export const GROUP_LABELS: Record<TrafficGroupBy, string> = {
  route: "Route",
  pool: "Pool",
  target: "Target",
  status: "Status",
  node: "Node",
  cache: "Cache status",
};

function isPreset(value: string | undefined): value is PresetRange {
  return value !== undefined && Object.hasOwn(PRESET_RANGES, value);
}

function isInstant(value: string | undefined): value is string {
  return value !== undefined && !Number.isNaN(Date.parse(value));
}

/** Reads search params leniently: anything unknown falls back to the last hour by route. */
export function readTrafficView(params: Record<string, string | string[] | undefined>): TrafficView {
  const text = (key: string) => {
    const value = params[key];
    return typeof value === "string" ? value : undefined;
  };
  const groupByText = text("groupBy");
  const groupBy = TRAFFIC_GROUP_BYS.find((option) => option === groupByText) ?? "route";
  const from = text("from");
  const to = text("to");
  if (isInstant(from) && isInstant(to) && Date.parse(from) < Date.parse(to)) {
    return { range: "custom", from, to, groupBy };
  }
  const range = text("range");
  return { range: isPreset(range) ? range : "1h", groupBy };
}

export function trafficViewSearch(view: TrafficView): string {
  const params = new URLSearchParams(
    view.range === "custom"
      ? { from: view.from, to: view.to, groupBy: view.groupBy }
      : { range: view.range, groupBy: view.groupBy },
  );
  return params.toString();
}

/** The absolute range of a view; a preset ends at `now`. */
export function resolveRange(view: TrafficView, now: number): { from: Date; to: Date } {
  if (view.range === "custom") return { from: new Date(view.from), to: new Date(view.to) };
  return { from: new Date(now - PRESET_RANGES[view.range].seconds * 1000), to: new Date(now) };
}
