import { AcceptInviteForm } from "./_components/accept-invite-form.tsx";

export const metadata = { title: "Accept invite · Concierge" };

export default async function InvitePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const { token } = await searchParams;
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <h1 className="mb-6 text-xl font-semibold">Welcome to Concierge</h1>
      <AcceptInviteForm token={typeof token === "string" ? token : ""} />
    </main>
  );
}
