import { redirect } from "next/navigation";

import { currentActor } from "../../../auth/current-actor.ts";
import { SignInForm } from "./_components/sign-in-form.tsx";

export const metadata = { title: "Sign in · Concierge" };

export default async function SignInPage() {
  if (await currentActor()) redirect("/");
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <h1 className="mb-6 text-xl font-semibold">Sign in to Concierge</h1>
      <SignInForm />
    </main>
  );
}
