"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { ConfirmButton } from "../../../../components/ui/confirm-button.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { PageHeader } from "../../../../components/ui/page-header.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { useConfigInvalidation } from "../../../../hooks/use-config-invalidation.ts";
import { useRoute } from "../../../../hooks/use-routes.ts";
import { QueryState } from "../../_components/query-state.tsx";
import { RouteForm } from "./route-form.tsx";

export function RouteEditor({ routeId }: { routeId: string }) {
  const router = useRouter();
  const canEdit = useCan("editor");
  const invalidate = useConfigInvalidation();
  const route = useRoute(routeId);
  const remove = useMutation({
    mutationFn: () => fetchJson(`/api/v1/routes/${routeId}`, { method: "DELETE" }),
    onSuccess: async () => {
      await invalidate();
      router.push("/routes");
    },
  });

  if (!route.data) return <QueryState query={route} />;
  return (
    <>
      <PageHeader
        title={`Route ${route.data.name}`}
        actions={
          canEdit ? (
            <ConfirmButton
              question="Delete this route?"
              confirmLabel="Delete route"
              onConfirm={() => remove.mutate()}
            >
              Delete
            </ConfirmButton>
          ) : undefined
        }
      />
      {remove.isError && <div className="mb-4"><Notice tone="error">{remove.error.message}</Notice></div>}
      <RouteForm key={route.dataUpdatedAt} route={route.data} />
    </>
  );
}
