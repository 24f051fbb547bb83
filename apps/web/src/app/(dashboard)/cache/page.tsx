import { currentActor } from "../../../auth/current-actor.ts";
import { hasRole } from "../../../auth/roles.ts";
import { Card } from "../../../components/ui/card.tsx";
import { PageHeader } from "../../../components/ui/page-header.tsx";
import { CacheRulesTable } from "./_components/cache-rules-table.tsx";
import { PurgeForm } from "./_components/purge-form.tsx";

export const metadata = { title: "Cache · Concierge" };

export default async function CachePage() {
  const actor = await currentActor();
  return (
    <>
      <PageHeader
        title="Cache"
        description="Every route's cache rule in one place. Edit a rule on its route."
      />
      <div className="space-y-6">
        <Card title="Cache rules">
          <CacheRulesTable />
        </Card>
        {actor && hasRole(actor, "editor") && (
          <Card title="Purge">
            <PurgeForm />
          </Card>
        )}
      </div>
    </>
  );
}
