"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { ConfirmButton } from "../../../../components/ui/confirm-button.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { PageHeader } from "../../../../components/ui/page-header.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { useConfigInvalidation } from "../../../../hooks/use-config-invalidation.ts";
import { usePool } from "../../../../hooks/use-pools.ts";
import { QueryState } from "../../_components/query-state.tsx";
import { PoolForm } from "./pool-form.tsx";

export function PoolEditor({ poolId }: { poolId: string }) {
  const router = useRouter();
  const canEdit = useCan("editor");
  const invalidate = useConfigInvalidation();
  const pool = usePool(poolId);
  const remove = useMutation({
    mutationFn: () => fetchJson(`/api/v1/pools/${poolId}`, { method: "DELETE" }),
    onSuccess: async () => {
      await invalidate();
      router.push("/pools");
    },
  });

  if (!pool.data) return <QueryState query={pool} />;
  return (
    <>
      <PageHeader
        title={`Pool ${pool.data.name}`}
        actions={
          canEdit ? (
            <ConfirmButton
              question="Delete this pool?"
              confirmLabel="Delete pool"
              onConfirm={() => remove.mutate()}
            >
              Delete
            </ConfirmButton>
          ) : undefined
        }
      />
      {remove.isError && <div className="mb-4"><Notice tone="error">{remove.error.message}</Notice></div>}
      <PoolForm key={pool.dataUpdatedAt} pool={pool.data} />
    </>
  );
}
