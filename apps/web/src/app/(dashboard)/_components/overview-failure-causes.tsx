import type { LiveTick } from "@concierge/config/realtime";
import { addErrorCauses, ERROR_CAUSES, type ErrorCauseCounts } from "@concierge/config/traffic";
import { useId } from "react";

import { ERROR_CAUSE_LABELS } from "../../../components/charts/error-cause-labels.ts";
import { formatCount } from "../../../components/charts/format.ts";

const LAST_MINUTE_MS = 60_000;

/** Failures by cause in the ticks of the `spanMs` up to the newest tick (ticks oldest first). */
export function recentErrorCauses(ticks: readonly LiveTick[], spanMs: number): ErrorCauseCounts {
  const causes: ErrorCauseCounts = {};
  const newest = ticks.at(-1);
  if (newest === undefined) return causes;
  for (let index = ticks.length - 1; index >= 0; index--) {
    const tick = ticks[index];
    if (tick === undefined || tick.at <= newest.at - spanMs) break;
    addErrorCauses(causes, tick.totals.errorCauses);
  }
  return causes;
}

/** Why requests failed in the last minute, the most frequent cause first. */
export function OverviewFailureCauses({ ticks }: { ticks: readonly LiveTick[] }) {
  const headingId = useId();
  const causes = recentErrorCauses(ticks, LAST_MINUTE_MS);
  const listed = ERROR_CAUSES.filter((cause) => (causes[cause] ?? 0) > 0).toSorted(
    (first, second) => (causes[second] ?? 0) - (causes[first] ?? 0),
  );

  return (
    <section
      aria-labelledby={headingId}
      className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
      data-testid="live-failure-causes"
    >
      <h2
        id={headingId}
        className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400"
      >
        Failures by cause, last minute
      </h2>
      {listed.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">None</p>
      ) : (
        <ul className="flex flex-wrap gap-2 text-sm">
          {listed.map((cause) => (
            <li
              key={cause}
              className="inline-flex items-baseline gap-1.5 rounded-full border border-slate-300 px-2 py-0.5 dark:border-slate-600"
              data-testid="live-failure-cause"
            >
              <span className="text-[#B34700] dark:text-[#FF8F4D]">{ERROR_CAUSE_LABELS[cause]}</span>
              {" "}
              <span className="font-semibold tabular-nums text-slate-900 dark:text-slate-50">
                {formatCount(causes[cause] ?? 0)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
