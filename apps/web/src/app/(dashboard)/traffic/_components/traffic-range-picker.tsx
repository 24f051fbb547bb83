"use client";

import { useState } from "react";

import { PRESET_RANGES, type PresetRange, type TrafficView } from "./traffic-range.ts";

/** `datetime-local` speaks local wall-clock time without a zone. */
function toLocalInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function TrafficRangePicker({
  view,
  from,
  to,
  onChange,
}: {
  view: TrafficView;
  from: Date;
  to: Date;
  onChange: (view: TrafficView) => void;
}) {
  const [custom, setCustom] = useState({ from: toLocalInput(from), to: toLocalInput(to) });
  const [editing, setEditing] = useState(view.range === "custom");
  const validCustom = custom.from !== "" && custom.to !== "" && new Date(custom.from) < new Date(custom.to);
  const inputClass =
    "mt-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100";

  return (
    <div className="flex flex-wrap items-end gap-2">
      <div role="group" aria-label="Time range" className="flex overflow-hidden rounded-md border border-slate-300 text-sm dark:border-slate-600">
        {(Object.keys(PRESET_RANGES) as PresetRange[]).map((range) => (
          <button
            key={range}
            type="button"
            aria-pressed={!editing && view.range === range}
            onClick={() => {
              setEditing(false);
              onChange({ range, groupBy: view.groupBy });
            }}
            className="px-2 py-1 text-slate-700 aria-pressed:bg-slate-900 aria-pressed:text-white dark:text-slate-300 dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
          >
            {PRESET_RANGES[range].label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={editing}
          onClick={() => setEditing(true)}
          className="px-2 py-1 text-slate-700 aria-pressed:bg-slate-900 aria-pressed:text-white dark:text-slate-300 dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
        >
          Custom
        </button>
      </div>
      {editing && (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            if (!validCustom) return;
            onChange({
              range: "custom",
              from: new Date(custom.from).toISOString(),
              to: new Date(custom.to).toISOString(),
              groupBy: view.groupBy,
            });
          }}
        >
          <label className="flex flex-col text-xs text-slate-600 dark:text-slate-400">
            From
            <input type="datetime-local" className={inputClass} value={custom.from} onChange={(event) => setCustom({ ...custom, from: event.target.value })} />
          </label>
          <label className="flex flex-col text-xs text-slate-600 dark:text-slate-400">
            To
            <input type="datetime-local" className={inputClass} value={custom.to} onChange={(event) => setCustom({ ...custom, to: event.target.value })} />
          </label>
          <button
            type="submit"
            disabled={!validCustom}
            className="rounded-md bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900"
          >
            Show
          </button>
        </form>
      )}
    </div>
  );
}
