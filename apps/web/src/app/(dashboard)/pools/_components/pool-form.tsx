"use client";

import { ALGORITHMS, PoolInputSchema, type Pool } from "@concierge/config/pool";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { assessChange } from "../../../../client/change-impact.ts";
import { createMergePatch } from "../../../../client/create-merge-patch.ts";
import {
  fieldErrorsFromFailure,
  fieldErrorsFromIssues,
  unplacedErrors,
  type FieldErrorMap,
} from "../../../../client/field-error-map.ts";
import { fetchJson } from "../../../../client/fetch-json.ts";
import { withRevisionMessage } from "../../../../client/with-revision-message.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { Card } from "../../../../components/ui/card.tsx";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { NumberField } from "../../../../components/ui/number-field.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { useConfigInvalidation } from "../../../../hooks/use-config-invalidation.ts";
import { usePools } from "../../../../hooks/use-pools.ts";
import { useRoutes } from "../../../../hooks/use-routes.ts";
import { FormErrors } from "../../_components/form-errors.tsx";
import { SavePanel } from "../../_components/save-panel.tsx";
import { emptyTarget, newPoolDraft, toPoolDraft, type PoolDraft } from "./pool-draft.ts";
import { TargetProbe } from "./target-probe.tsx";

const ALGORITHM_LABELS = {
  round_robin: "Round robin",
  weighted_round_robin: "Weighted round robin (smooth)",
  least_connections: "Least connections",
  two_choices: "Power of two choices",
  consistent_hash: "Consistent hash",
  sticky_cookie: "Sticky cookie",
} as const satisfies Record<(typeof ALGORITHMS)[number], string>;

/** Field paths this form shows next to an input; other errors are listed above the form. */
function isPlaced(path: string): boolean {
  return /^(name|algorithm|maxConnectionsPerTarget|hashKey(\.name|\.source)?|stickyCookie\.\w+|healthCheck\.\w+|passiveEjection\.\w+|retry\.\w+|timeouts\.\w+|targets(\[\d+\]\.(url|weight))?)$/.test(
    path,
  );
}

type Section = "healthCheck" | "passiveEjection" | "retry" | "timeouts" | "stickyCookie";

export function PoolForm({ pool }: { pool?: Pool }) {
  const router = useRouter();
  const canEdit = useCan("editor");
  const invalidate = useConfigInvalidation();
  const pools = usePools();
  const routes = useRoutes();
  const [draft, setDraft] = useState<PoolDraft>(() => (pool ? toPoolDraft(pool) : newPoolDraft()));
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<FieldErrorMap>({});

  const save = useMutation({
    mutationFn: (input: PoolDraft) =>
      pool
        ? fetchJson<Pool>(withRevisionMessage(`/api/v1/pools/${pool.id}`, message), {
            method: "PATCH",
            body: createMergePatch(toPoolDraft(pool), input),
          })
        : fetchJson<Pool>(withRevisionMessage("/api/v1/pools", message), {
            method: "POST",
            body: input,
          }),
    onSuccess: async () => {
      await invalidate();
      router.push("/pools");
    },
    onError: (error) => setErrors(fieldErrorsFromFailure(error)),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = PoolInputSchema.safeParse(draft);
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues));
      return;
    }
    setErrors({});
    save.mutate(draft);
  }

  function set<Key extends keyof PoolDraft>(key: Key, value: PoolDraft[Key]) {
    setDraft((current) => ({ ...current, [key]: value }));
  }

  function setIn<S extends Section>(section: S, patch: Partial<PoolDraft[S]>) {
    setDraft((current) => ({ ...current, [section]: { ...current[section], ...patch } }));
  }

  function setTarget(index: number, patch: Partial<PoolDraft["targets"][number]>) {
    setDraft((current) => ({
      ...current,
      targets: current.targets.map((target, at) => (at === index ? { ...target, ...patch } : target)),
    }));
  }

  const impact = assessChange(
    { kind: "pool", pool: { ...draft, id: pool?.id } },
    { pools: pools.data ?? [], routes: routes.data ?? [] },
  );
  const probeUrls = draft.targets.map((target) => target.url.trim()).filter((url) => url !== "");
  const hashKey = draft.hashKey;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label={pool ? "Edit pool" : "New pool"}>
      <FormErrors messages={unplacedErrors(errors, isPlaced)} />
      <fieldset disabled={!canEdit} className="space-y-6">
        <Card title="Pool">
          <div className="grid gap-4 md:grid-cols-2">
            <TextField
              label="Name"
              name="name"
              value={draft.name}
              error={errors.name}
              onChange={(event) => set("name", event.currentTarget.value)}
            />
            <SelectField
              label="Balancing algorithm"
              name="algorithm"
              value={draft.algorithm}
              error={errors.algorithm}
              options={ALGORITHMS.map((value) => ({ value, label: ALGORITHM_LABELS[value] }))}
              onChange={(event) =>
                set("algorithm", event.currentTarget.value as PoolDraft["algorithm"])
              }
            />
            {draft.algorithm === "consistent_hash" && (
              <>
                <SelectField
                  label="Hash key"
                  value={hashKey.source}
                  error={errors["hashKey.source"]}
                  options={[
                    { value: "client_ip", label: "Client address" },
                    { value: "header", label: "Request header" },
                    { value: "cookie", label: "Cookie" },
                  ]}
                  onChange={(event) => {
                    const source = event.currentTarget.value;
                    set(
                      "hashKey",
                      source === "header" || source === "cookie"
                        ? { source, name: "name" in hashKey ? hashKey.name : "" }
                        : { source: "client_ip" },
                    );
                  }}
                />
                {hashKey.source !== "client_ip" && (
                  <TextField
                    label={hashKey.source === "header" ? "Header name" : "Cookie name"}
                    value={hashKey.name}
                    error={errors["hashKey.name"]}
                    onChange={(event) =>
                      set("hashKey", { source: hashKey.source, name: event.currentTarget.value })
                    }
                  />
                )}
              </>
            )}
            {draft.algorithm === "sticky_cookie" && (
              <>
                <TextField
                  label="Sticky cookie name"
                  value={draft.stickyCookie.name}
                  error={errors["stickyCookie.name"]}
                  onChange={(event) => setIn("stickyCookie", { name: event.currentTarget.value })}
                />
                <NumberField
                  label="Sticky cookie lifetime (seconds, 0 = session)"
                  value={draft.stickyCookie.ttlSeconds}
                  error={errors["stickyCookie.ttlSeconds"]}
                  onValueChange={(ttlSeconds) => setIn("stickyCookie", { ttlSeconds })}
                />
              </>
            )}
            <NumberField
              label="Max connections per target"
              value={draft.maxConnectionsPerTarget}
              error={errors.maxConnectionsPerTarget}
              onValueChange={(value) => set("maxConnectionsPerTarget", value ?? Number.NaN)}
            />
          </div>
        </Card>

        <Card title="Targets" actions={<TargetProbe urls={probeUrls} />}>
          {errors.targets && <p className="mb-2 text-sm text-red-700 dark:text-red-400">{errors.targets}</p>}
          <table className="w-full text-sm" aria-label="Targets">
            <thead className="text-left text-slate-600 dark:text-slate-300">
              <tr>
                <th scope="col" className="py-1 font-medium">URL</th>
                <th scope="col" className="w-24 py-1 font-medium">Weight</th>
                <th scope="col" className="py-1 font-medium">Enabled</th>
                <th scope="col" className="py-1 font-medium">Draining</th>
                <th scope="col" className="py-1"><span className="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>
              {draft.targets.map((target, index) => (
                <tr key={target.id ?? `new-${index}`} className="align-top">
                  <td className="py-1 pr-2">
                    <TextField
                      label={`Target ${index + 1} URL`}
                      name={`targets.${index}.url`}
                      placeholder="http://10.0.0.5:8080"
                      value={target.url}
                      error={errors[`targets[${index}].url`]}
                      onChange={(event) => setTarget(index, { url: event.currentTarget.value })}
                    />
                  </td>
                  <td className="py-1 pr-2">
                    <NumberField
                      label={`Target ${index + 1} weight`}
                      value={target.weight}
                      error={errors[`targets[${index}].weight`]}
                      onValueChange={(weight) => setTarget(index, { weight: weight ?? Number.NaN })}
                    />
                  </td>
                  <td className="py-1 pt-7">
                    <CheckboxField
                      label="Enabled"
                      checked={target.enabled}
                      onCheckedChange={(enabled) => setTarget(index, { enabled })}
                    />
                  </td>
                  <td className="py-1 pt-7">
                    <CheckboxField
                      label="Draining"
                      checked={target.draining}
                      onCheckedChange={(draining) => setTarget(index, { draining })}
                    />
                  </td>
                  <td className="py-1 pt-6">
                    <Button
                      variant="secondary"
                      aria-label={`Remove target ${index + 1}`}
                      disabled={draft.targets.length === 1}
                      onClick={() =>
                        set("targets", draft.targets.filter((_target, at) => at !== index))
                      }
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Button
            variant="secondary"
            className="mt-2"
            onClick={() => set("targets", [...draft.targets, emptyTarget()])}
          >
            Add target
          </Button>
        </Card>

        <Card title="Active health check">
          <div className="grid gap-4 md:grid-cols-3">
            <CheckboxField
              label="Probe targets"
              checked={draft.healthCheck.enabled}
              onCheckedChange={(enabled) => setIn("healthCheck", { enabled })}
            />
            <TextField
              label="Path"
              value={draft.healthCheck.path}
              error={errors["healthCheck.path"]}
              onChange={(event) => setIn("healthCheck", { path: event.currentTarget.value })}
            />
            <NumberField
              label="Interval (ms)"
              value={draft.healthCheck.intervalMs}
              error={errors["healthCheck.intervalMs"]}
              onValueChange={(intervalMs) => setIn("healthCheck", { intervalMs })}
            />
            <NumberField
              label="Timeout (ms)"
              value={draft.healthCheck.timeoutMs}
              error={errors["healthCheck.timeoutMs"]}
              onValueChange={(timeoutMs) => setIn("healthCheck", { timeoutMs })}
            />
            <NumberField
              label="Healthy after (successes)"
              value={draft.healthCheck.healthyThreshold}
              error={errors["healthCheck.healthyThreshold"]}
              onValueChange={(healthyThreshold) => setIn("healthCheck", { healthyThreshold })}
            />
            <NumberField
              label="Down after (failures)"
              value={draft.healthCheck.unhealthyThreshold}
              error={errors["healthCheck.unhealthyThreshold"]}
              onValueChange={(unhealthyThreshold) => setIn("healthCheck", { unhealthyThreshold })}
            />
          </div>
        </Card>

        <Card title="Passive ejection, retries and timeouts">
          <div className="grid gap-4 md:grid-cols-3">
            <NumberField
              label="Eject after consecutive failures"
              value={draft.passiveEjection.consecutiveFailures}
              error={errors["passiveEjection.consecutiveFailures"]}
              onValueChange={(consecutiveFailures) => setIn("passiveEjection", { consecutiveFailures })}
            />
            <NumberField
              label="First ejection (ms)"
              value={draft.passiveEjection.baseEjectionMs}
              error={errors["passiveEjection.baseEjectionMs"]}
              onValueChange={(baseEjectionMs) => setIn("passiveEjection", { baseEjectionMs })}
            />
            <NumberField
              label="Longest ejection (ms)"
              value={draft.passiveEjection.maxEjectionMs}
              error={errors["passiveEjection.maxEjectionMs"]}
              onValueChange={(maxEjectionMs) => setIn("passiveEjection", { maxEjectionMs })}
            />
            <NumberField
              label="Retry attempts"
              value={draft.retry.attempts}
              error={errors["retry.attempts"]}
              onValueChange={(attempts) => setIn("retry", { attempts })}
            />
            <NumberField
              label="Retry budget (% of requests)"
              value={draft.retry.budgetPercent}
              error={errors["retry.budgetPercent"]}
              onValueChange={(budgetPercent) => setIn("retry", { budgetPercent })}
            />
            <NumberField
              label="Connect timeout (ms)"
              value={draft.timeouts.connectMs}
              error={errors["timeouts.connectMs"]}
              onValueChange={(connectMs) => setIn("timeouts", { connectMs })}
            />
            <NumberField
              label="First byte timeout (ms)"
              value={draft.timeouts.firstByteMs}
              error={errors["timeouts.firstByteMs"]}
              onValueChange={(firstByteMs) => setIn("timeouts", { firstByteMs })}
            />
            <NumberField
              label="Idle timeout (ms)"
              value={draft.timeouts.idleMs}
              error={errors["timeouts.idleMs"]}
              onValueChange={(idleMs) => setIn("timeouts", { idleMs })}
            />
          </div>
        </Card>
      </fieldset>
      {canEdit && (
        <SavePanel
          impact={impact}
          message={message}
          onMessageChange={setMessage}
          messageError={errors.message}
          pending={save.isPending}
          saveLabel={pool ? "Save pool" : "Create pool"}
        />
      )}
    </form>
  );
}
