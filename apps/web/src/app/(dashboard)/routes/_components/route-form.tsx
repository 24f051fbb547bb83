"use client";

import { METHODS, RouteInputSchema, type Route } from "@concierge/config/route";
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
import { Card } from "../../../../components/ui/card.tsx";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { ChipsInput } from "../../../../components/ui/chips-input.tsx";
import { NumberField } from "../../../../components/ui/number-field.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { useConfigInvalidation } from "../../../../hooks/use-config-invalidation.ts";
import { usePools } from "../../../../hooks/use-pools.ts";
import { useRoutes } from "../../../../hooks/use-routes.ts";
import { FormErrors } from "../../_components/form-errors.tsx";
import { SavePanel } from "../../_components/save-panel.tsx";
import { CacheRuleFields } from "./cache-rule-fields.tsx";
import { EdgePolicyFields, isPolicyFieldPath } from "./edge-policy-fields.tsx";
import { firstError } from "./first-error.ts";
import { HeaderRulesFields } from "./header-rules-fields.tsx";
import { newRouteDraft, toRouteDraft, type RouteDraft } from "./route-draft.ts";

function isPlaced(path: string): boolean {
  return (
    /^(name|hosts(\[\d+\])?|pathPrefix|methods|priority|poolId|maxBodyBytes|(request|response)Headers\.\w+.*|cache\.\w+.*)$/.test(path) ||
    isPolicyFieldPath(path)
  );
}

export function RouteForm({ route }: { route?: Route }) {
  const router = useRouter();
  const canEdit = useCan("editor");
  const invalidate = useConfigInvalidation();
  const pools = usePools();
  const routes = useRoutes();
  const [draft, setDraft] = useState<RouteDraft>(() =>
    route ? toRouteDraft(route) : newRouteDraft(),
  );
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<FieldErrorMap>({});

  const save = useMutation({
    mutationFn: (input: RouteDraft) =>
      route
        ? fetchJson<Route>(withRevisionMessage(`/api/v1/routes/${route.id}`, message), {
            method: "PATCH",
            body: createMergePatch(toRouteDraft(route), input),
          })
        : fetchJson<Route>(withRevisionMessage("/api/v1/routes", message), {
            method: "POST",
            body: input,
          }),
    onSuccess: async () => {
      await invalidate();
      router.push("/routes");
    },
    onError: (error) => setErrors(fieldErrorsFromFailure(error)),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = RouteInputSchema.safeParse(draft);
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues));
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  }

  function set<Key extends keyof RouteDraft>(key: Key, value: RouteDraft[Key]) {
    setDraft((current) => ({ ...current, [key]: value }));
  }

  const poolOptions = [
    { value: "", label: pools.data?.length === 0 ? "No pools yet — create one first" : "Choose a pool" },
    ...(pools.data ?? []).map((pool) => ({ value: pool.id, label: pool.name })),
  ];
  const impact =
    draft.poolId === ""
      ? []
      : assessChange(
          { kind: "route", route: { ...draft, id: route?.id } },
          { pools: pools.data ?? [], routes: routes.data ?? [] },
        );

  function toggleMethod(method: (typeof METHODS)[number], on: boolean) {
    const current = draft.methods ?? [];
    const next = on ? [...current, method] : current.filter((other) => other !== method);
    set("methods", next.length === 0 ? null : METHODS.filter((known) => next.includes(known)));
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label={route ? "Edit route" : "New route"}>
      <FormErrors messages={unplacedErrors(errors, isPlaced)} />
      <fieldset disabled={!canEdit} className="space-y-6">
        <Card title="Matching">
          <div className="grid gap-4 md:grid-cols-2">
            <TextField
              label="Name"
              name="name"
              value={draft.name}
              error={errors.name}
              onChange={(event) => set("name", event.currentTarget.value)}
            />
            <SelectField
              label="Pool"
              name="poolId"
              value={draft.poolId}
              error={errors.poolId}
              options={poolOptions}
              onChange={(event) => set("poolId", event.currentTarget.value)}
            />
            <ChipsInput
              label="Hosts"
              hint='Press Enter after each: "shop.example.com", "*.example.com", or "*" for any host.'
              values={draft.hosts}
              error={firstError(errors, "hosts")}
              onValuesChange={(hosts) => set("hosts", hosts)}
            />
            <TextField
              label="Path prefix"
              name="pathPrefix"
              value={draft.pathPrefix}
              error={errors.pathPrefix}
              onChange={(event) => set("pathPrefix", event.currentTarget.value)}
            />
            <fieldset className="text-sm">
              <legend className="mb-1 font-medium">Methods (none ticked: every method)</legend>
              <div className="flex flex-wrap gap-3">
                {METHODS.map((method) => (
                  <CheckboxField
                    key={method}
                    label={method}
                    checked={draft.methods?.includes(method) ?? false}
                    onCheckedChange={(on) => toggleMethod(method, on)}
                  />
                ))}
              </div>
              {errors.methods && <p className="mt-1 text-xs text-red-700 dark:text-red-400">{errors.methods}</p>}
            </fieldset>
            <NumberField
              label="Priority (higher wins ties)"
              value={draft.priority}
              error={errors.priority}
              onValueChange={(priority) => set("priority", priority ?? Number.NaN)}
            />
            <CheckboxField
              label="Strip the matched prefix before forwarding"
              checked={draft.stripPrefix}
              onCheckedChange={(stripPrefix) => set("stripPrefix", stripPrefix)}
            />
            <NumberField
              label="Largest request body (bytes)"
              value={draft.maxBodyBytes}
              error={errors.maxBodyBytes}
              onValueChange={(maxBodyBytes) => set("maxBodyBytes", maxBodyBytes ?? Number.NaN)}
            />
          </div>
        </Card>
        <Card title="Header rules">
          <div className="grid gap-6 md:grid-cols-2">
            <HeaderRulesFields
              direction="requestHeaders"
              rules={draft.requestHeaders}
              errors={errors}
              onChange={(rules) => set("requestHeaders", rules)}
            />
            <HeaderRulesFields
              direction="responseHeaders"
              rules={draft.responseHeaders}
              errors={errors}
              onChange={(rules) => set("responseHeaders", rules)}
            />
          </div>
        </Card>
        <Card title="Cache rule">
          <CacheRuleFields rule={draft.cache} errors={errors} onChange={(cache) => set("cache", cache)} />
        </Card>
        <EdgePolicyFields
          policies={draft.policies}
          errors={errors}
          onChange={(policies) => set("policies", policies)}
        />
      </fieldset>
      {canEdit && (
        <SavePanel
          impact={impact}
          message={message}
          onMessageChange={setMessage}
          messageError={errors.message}
          pending={save.isPending}
          saveLabel={route ? "Save route" : "Create route"}
        />
      )}
    </form>
  );
}
