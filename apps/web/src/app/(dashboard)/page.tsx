import { Overview } from "./_components/overview.tsx";

export const metadata = { title: "Overview · Concierge" };

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<{ node?: string | string[] }>;
}) {
  const { node } = await searchParams;
  return <Overview initialNodeId={typeof node === "string" && node !== "" ? node : "all"} />;
}
