import { PoolEditor } from "../_components/pool-editor.tsx";

export const metadata = { title: "Pool · Concierge" };

export default async function PoolPage({ params }: { params: Promise<{ poolId: string }> }) {
  const { poolId } = await params;
  return <PoolEditor poolId={poolId} />;
}
