"use client";

import { useState, type KeyboardEvent } from "react";

import { CONTROL_CLASS, FieldShell } from "./field-shell.tsx";

/** A list of short strings, added with Enter or a comma and removed with their × button. */
export function ChipsInput({
  label,
  values,
  onValuesChange,
  hint,
  error,
  placeholder,
}: {
  label: string;
  values: readonly string[];
  onValuesChange: (values: string[]) => void;
  hint?: string;
  error?: string | undefined;
  placeholder?: string;
}) {
  const [draft, setDraft] = useState("");

  function commit() {
    const added = draft
      .split(",")
      .map((value) => value.trim())
      .filter((value) => value !== "" && !values.includes(value));
    if (added.length > 0) onValuesChange([...values, ...added]);
    setDraft("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      commit();
    } else if (event.key === "Backspace" && draft === "" && values.length > 0) {
      onValuesChange(values.slice(0, -1));
    }
  }

  return (
    <FieldShell label={label} hint={hint} error={error}>
      {(control) => (
        <div className="space-y-2">
          {values.length > 0 && (
            <ul className="flex flex-wrap gap-2" aria-label={`${label} added`}>
              {values.map((value) => (
                <li
                  key={value}
                  className="inline-flex items-center gap-1 rounded-full bg-slate-200 px-2 py-0.5 font-mono text-xs dark:bg-slate-700"
                >
                  {value}
                  <button
                    type="button"
                    className="rounded-full px-1 hover:bg-slate-300 focus-visible:outline-2 focus-visible:outline-sky-600 dark:hover:bg-slate-600"
                    aria-label={`Remove ${value}`}
                    onClick={() => onValuesChange(values.filter((other) => other !== value))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <input
            className={CONTROL_CLASS}
            value={draft}
            placeholder={placeholder}
            onChange={(event) => setDraft(event.currentTarget.value)}
            onKeyDown={onKeyDown}
            onBlur={commit}
            {...control}
          />
        </div>
      )}
    </FieldShell>
  );
}
