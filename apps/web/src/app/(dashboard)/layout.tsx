import { redirect } from "next/navigation";
import type { ReactNode } from "react";

import { currentActor } from "../../auth/current-actor.ts";
import { ChangePasswordForm } from "./_components/change-password-form.tsx";
import { SignOutButton } from "./_components/sign-out-button.tsx";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const actor = await currentActor();
  if (actor === null) redirect("/sign-in");

  return (
    <div className="min-h-screen">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-6 py-3">
        <span className="font-semibold">Concierge</span>
        <div className="flex items-center gap-4 text-sm text-slate-600">
          <span>
            {actor.email} · {actor.role}
          </span>
          <SignOutButton />
        </div>
      </header>
      <main className="mx-auto max-w-5xl p-6">
        {actor.mustChangePassword ? <ChangePasswordForm /> : children}
      </main>
    </div>
  );
}
