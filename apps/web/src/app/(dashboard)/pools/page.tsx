import { LinkButton } from "../../../components/ui/link-button.tsx";
import { PageHeader } from "../../../components/ui/page-header.tsx";
import { currentActor } from "../../../auth/current-actor.ts";
import { hasRole } from "../../../auth/roles.ts";
import { PoolList } from "./_components/pool-list.tsx";

export const metadata = { title: "Pools · Concierge" };

export default async function PoolsPage() {
  const actor = await currentActor();
  return (
    <>
      <PageHeader
        title="Pools"
        description="Groups of origin servers (targets) and how requests are spread over them."
        actions={actor && hasRole(actor, "editor") ? <LinkButton href="/pools/new">New pool</LinkButton> : undefined}
      />
      <PoolList />
    </>
  );
}
