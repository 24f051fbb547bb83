"use client";

import type { ImpactItem } from "../../../client/change-impact.ts";
import { Button } from "../../../components/ui/button.tsx";
import { Notice } from "../../../components/ui/notice.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";

/** The foot of every config form: what the change affects, the revision's note, and Save. */
export function SavePanel({
  impact,
  message,
  onMessageChange,
  messageError,
  pending,
  saveLabel,
}: {
  impact: readonly ImpactItem[];
  message: string;
  onMessageChange: (message: string) => void;
  messageError?: string | undefined;
  pending: boolean;
  saveLabel: string;
}) {
  return (
    <div className="space-y-3 border-t border-slate-200 pt-4 dark:border-slate-700">
      <section aria-labelledby="impact-heading" className="space-y-2">
        <h3 id="impact-heading" className="text-sm font-semibold">
          What this change affects
        </h3>
        {impact.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Nothing else is affected.</p>
        ) : (
          <ul className="space-y-2" data-testid="impact-list">
            {impact.map((item) => (
              <li key={item.message}>
                <Notice tone={item.tone}>{item.message}</Notice>
              </li>
            ))}
          </ul>
        )}
      </section>
      <TextField
        label="Revision message (optional)"
        name="revisionMessage"
        hint="Saved with the new revision, so others know why it changed."
        value={message}
        maxLength={500}
        error={messageError}
        onChange={(event) => onMessageChange(event.currentTarget.value)}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : saveLabel}
      </Button>
    </div>
  );
}
