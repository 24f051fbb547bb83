"use client";

import type { CertificateSummary } from "@concierge/config/certificate";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { certificateKeys } from "./certificate-keys.ts";

export function useCertificates() {
  return useQuery({
    queryKey: certificateKeys.list(),
    queryFn: ({ signal }) => fetchJson<CertificateSummary[]>("/api/v1/certificates", { signal }),
  });
}

/** A certificate write (upload, generate, delete) that refreshes the list once committed. */
export function useCertificateMutation<Input, Output>(
  request: (input: Input) => Promise<Output>,
  handlers: { onSuccess?: () => void; onError?: (error: Error) => void } = {},
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: certificateKeys.all });
      handlers.onSuccess?.();
    },
    ...(handlers.onError ? { onError: handlers.onError } : {}),
  });
}
