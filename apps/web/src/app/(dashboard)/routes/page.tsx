import { currentActor } from "../../../auth/current-actor.ts";
import { hasRole } from "../../../auth/roles.ts";
import { LinkButton } from "../../../components/ui/link-button.tsx";
import { PageHeader } from "../../../components/ui/page-header.tsx";
import { ExplainRequest } from "./_components/explain-request.tsx";
import { RouteList } from "./_components/route-list.tsx";

export const metadata = { title: "Routes · Concierge" };

export default async function RoutesPage() {
  const actor = await currentActor();
  return (
    <>
      <PageHeader
        title="Routes"
        description="Which requests go to which pool, matched by host, path prefix and method."
        actions={actor && hasRole(actor, "editor") ? <LinkButton href="/routes/new">New route</LinkButton> : undefined}
      />
      <div className="space-y-6">
        <RouteList />
        <ExplainRequest />
      </div>
    </>
  );
}
