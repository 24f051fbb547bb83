import { redirect } from "next/navigation";
import type { ReactNode } from "react";

import { currentActor } from "../../auth/current-actor.ts";
import { ActorProvider } from "../../client/actor-context.tsx";
import { ChangePasswordForm } from "./_components/change-password-form.tsx";
import { SidebarNav } from "./_components/sidebar-nav.tsx";
import { SignOutButton } from "./_components/sign-out-button.tsx";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const actor = await currentActor();
  if (actor === null) redirect("/sign-in");
  const { id, email, role } = actor;

  return (
    <ActorProvider actor={{ id, email, role }}>
      <div className="flex min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:p-2 focus:text-slate-900"
        >
          Skip to content
        </a>
        <aside className="w-56 shrink-0 border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <div className="px-4 py-4 text-lg font-semibold">Concierge</div>
          <SidebarNav />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex items-center justify-end gap-4 border-b border-slate-200 bg-white px-6 py-3 text-sm text-slate-600 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
            <span data-testid="signed-in-as">
              {email} · {role}
            </span>
            <SignOutButton />
          </header>
          <main id="main" className="mx-auto w-full max-w-6xl p-6">
            {actor.mustChangePassword ? <ChangePasswordForm /> : children}
          </main>
        </div>
      </div>
    </ActorProvider>
  );
}
