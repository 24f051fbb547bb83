/**
 * Adds up the Prometheus text of several workers into one node-wide exposition: samples with
 * the same name and labels are summed (counters, histogram buckets, connection gauges alike,
 * since each worker owns a disjoint share of the node's traffic). Families that describe a
 * worker's own view rather than a share of the traffic (a target's health, as each worker probes
 * on its own) keep one series per worker, with a `worker` label. Comment lines are kept once.
 */
export function sumPrometheus(
  expositions: ReadonlyArray<{ worker: number; text: string }>,
  perWorkerFamilies: ReadonlySet<string> = new Set(),
): string {
  const comments = new Map<string, string[]>();
  const totals = new Map<string, number>();
  const order: string[] = [];

  for (const { worker, text } of expositions) {
    for (const line of text.split("\n")) {
      if (line === "") continue;
      if (line.startsWith("#")) {
        const family = line.split(" ")[2] ?? "";
        const lines = comments.get(family) ?? [];
        if (!lines.includes(line)) lines.push(line);
        comments.set(family, lines);
        continue;
      }
      const split = sampleSplit(line);
      if (split < 0) continue;
      const sampled = line.slice(0, split);
      const series = perWorkerFamilies.has(sampled.split("{")[0] ?? "") ? withWorkerLabel(sampled, worker) : sampled;
      const value = Number(line.slice(split + 1).trim().split(" ")[0]);
      if (!totals.has(series)) order.push(series);
      totals.set(series, (totals.get(series) ?? 0) + value);
    }
  }

  // The text format wants every line of a family in one group, whichever worker it came from.
  const families = new Map<string, string[]>();
  for (const series of order) {
    const name = series.split("{")[0] ?? series;
    const family = comments.has(name) ? name : familyOf(name);
    const members = families.get(family) ?? [];
    members.push(series);
    families.set(family, members);
  }
  let out = "";
  for (const [family, members] of families) {
    for (const comment of comments.get(family) ?? []) out += `${comment}\n`;
    for (const series of members) out += `${series} ${formatValue(totals.get(series) ?? 0)}\n`;
  }
  return out;
}

function withWorkerLabel(series: string, worker: number): string {
  const brace = series.indexOf("{");
  if (brace < 0) return `${series}{worker="${worker}"}`;
  return `${series.slice(0, brace + 1)}worker="${worker}",${series.slice(brace + 1)}`.replace(",}", "}");
}

/** The space between a series and its value: after the closing brace when there are labels. */
function sampleSplit(line: string): number {
  const close = line.lastIndexOf("}");
  return line.indexOf(" ", close < 0 ? 0 : close);
}

/** `x_bucket` belongs to family `x` when the `# TYPE` line names it without the suffix. */
function familyOf(name: string): string {
  return name.replace(/_(bucket|sum|count|total|created)$/, "");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
