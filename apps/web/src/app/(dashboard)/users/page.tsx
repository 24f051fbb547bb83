import { currentActor } from "../../../auth/current-actor.ts";
import { hasRole } from "../../../auth/roles.ts";
import { Notice } from "../../../components/ui/notice.tsx";
import { PageHeader } from "../../../components/ui/page-header.tsx";
import { UserAdmin } from "./_components/user-admin.tsx";

export const metadata = { title: "Users · Concierge" };

export default async function UsersPage() {
  const actor = await currentActor();
  return (
    <>
      <PageHeader title="Users" description="Who can sign in, and what each role may do." />
      {actor && hasRole(actor, "admin") ? (
        <UserAdmin />
      ) : (
        <Notice tone="info">Only admins manage users. Ask an admin to invite someone or change a role.</Notice>
      )}
    </>
  );
}
