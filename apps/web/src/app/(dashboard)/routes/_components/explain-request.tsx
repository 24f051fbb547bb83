"use client";

import { EXPLAIN_METHODS, type ExplainAnswer } from "@concierge/config/node-questions";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { Card } from "../../../../components/ui/card.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";

const METHOD_OPTIONS = EXPLAIN_METHODS.map((method) => ({ value: method, label: method }));

const STATE_TONE: Record<string, string> = {
  up: "text-emerald-700 dark:text-emerald-400",
  draining: "text-amber-700 dark:text-amber-400",
};
const OUT_OF_ROTATION = "text-red-700 dark:text-red-400";

/** "Explain a request": a connected proxy node says which route, pool, target and cache rule would serve it. */
export function ExplainRequest() {
  const [url, setUrl] = useState("");
  const [method, setMethod] = useState<string>("GET");
  const explain = useMutation({
    mutationFn: (query: { url: string; method: string }) =>
      fetchJson<ExplainAnswer>(`/api/v1/explain?${new URLSearchParams(query).toString()}`),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    explain.mutate({ url, method });
  }

  return (
    <Card title="Explain a request">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="Explain a request">
        <TextField
          label="URL"
          className="min-w-72 flex-1"
          type="url"
          required
          placeholder="https://shop.example.com/cart"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
        <SelectField label="Method" options={METHOD_OPTIONS} value={method} onChange={(event) => setMethod(event.target.value)} />
        <Button type="submit" variant="secondary" disabled={explain.isPending}>
          {explain.isPending ? "Asking…" : "Explain"}
        </Button>
      </form>
      {explain.isError && (
        <div className="mt-3">
          <Notice tone="error">{explain.error.message}</Notice>
        </div>
      )}
      {explain.data && <Explanation answer={explain.data} />}
    </Card>
  );
}

function Explanation({ answer }: { answer: ExplainAnswer }) {
  const { pool, cache } = answer;
  return (
    <div data-testid="explanation" className="mt-3 space-y-2 text-sm">
      <p>{answer.reason}.</p>
      {pool && (
        <div>
          <p>
            Pool <span className="font-medium">{pool.name}</span> ({pool.strategy}):{" "}
            {pool.next ? (
              <>
                next target <span className="font-mono">{pool.next.url}</span> — {pool.nextReason}.
              </>
            ) : (
              <>{pool.nextReason}.</>
            )}
          </p>
          <ul className="ml-4 list-disc">
            {pool.targets.map((target) => (
              <li key={target.id}>
                <span className="font-mono">{target.url}</span>{" "}
                <span className={STATE_TONE[target.state] ?? OUT_OF_ROTATION}>{target.state}</span>
                {target.eligible ? "" : ", out of rotation"}, weight {target.weight}, {target.inFlight} in flight
              </li>
            ))}
          </ul>
        </div>
      )}
      {cache && <CacheLine cache={cache} />}
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Answered by proxy node {answer.nodeId}, worker {answer.worker}, from config revision {answer.revision ?? "none"}.
      </p>
    </div>
  );
}

function CacheLine({ cache }: { cache: NonNullable<ExplainAnswer["cache"]> }) {
  if (!cache.enabled) return <p>The route does not cache.</p>;
  const { stored } = cache;
  return (
    <p>
      Cache key <span className="font-mono break-all">{cache.key}</span>:{" "}
      {stored
        ? `stored (${stored.statusCode}, ${stored.sizeBytes} bytes), ${stored.freshness}: ${stored.ageSeconds} s old of ${stored.lifetimeSeconds} s`
        : "nothing stored on this worker now"}
      .
    </p>
  );
}
