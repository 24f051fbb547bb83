import { PoolEditor } from "../_components/pool-editor.tsx";
import { LiveTargetsPanel } from "./_components/live-targets-panel.tsx";

export const metadata = { title: "Pool · Concierge" };

export default async function PoolPage({ params }: { params: Promise<{ poolId: string }> }) {
  const { poolId } = await params;
  return (
    <div className="space-y-8">
      <LiveTargetsPanel poolId={poolId} />
      <PoolEditor poolId={poolId} />
    </div>
  );
}
