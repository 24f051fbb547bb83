"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";

import { fetchJson } from "../../../client/fetch-json.ts";
import { Button } from "../../../components/ui/button.tsx";

export function SignOutButton() {
  const router = useRouter();
  const queryClient = useQueryClient();

  async function signOut() {
    await fetchJson("/api/v1/session", { method: "DELETE" });
    queryClient.clear();
    router.replace("/sign-in");
    router.refresh();
  }

  return (
    <Button variant="secondary" onClick={() => void signOut()}>
      Sign out
    </Button>
  );
}
