"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

import { poolKeys, revisionKeys, routeKeys, auditKeys } from "../client/query-keys.ts";

/** After any config write: pools, routes, revisions and the audit log may all have changed. */
export function useConfigInvalidation(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    await Promise.all(
      [poolKeys.all, routeKeys.all, revisionKeys.all, auditKeys.all].map((queryKey) =>
        queryClient.invalidateQueries({ queryKey }),
      ),
    );
  }, [queryClient]);
}
