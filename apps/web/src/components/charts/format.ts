const compact = new Intl.NumberFormat("en", { maximumFractionDigits: 1, notation: "compact" });
const decimal = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

export function formatCount(value: number): string {
  return Math.abs(value) < 10_000 ? decimal.format(value) : compact.format(value);
}

export function formatRate(perSecond: number): string {
  return `${formatCount(perSecond)}/s`;
}

/** A ratio between 0 and 1 as a percentage. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return "–";
  const percent = ratio * 100;
  return `${percent > 0 && percent < 0.1 ? "<0.1" : decimal.format(percent)}%`;
}

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${decimal.format(value)} ${BYTE_UNITS[unit]}`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms >= 1000) return `${decimal.format(ms / 1000)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** Origin time saved, which adds up to minutes and hours. */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return formatMs(ms);
  if (seconds < 3600) return `${decimal.format(seconds / 60)} min`;
  return `${decimal.format(seconds / 3600)} h`;
}

/** "12 s ago", "3 min ago", … for a past instant. */
export function formatAgo(at: Date | string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(at).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
