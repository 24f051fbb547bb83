import { TrafficView } from "./_components/traffic-view.tsx";
import { readTrafficView } from "./_components/traffic-range.ts";

export const metadata = { title: "Traffic · Concierge" };

export default async function TrafficPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <TrafficView initialView={readTrafficView(await searchParams)} />;
}
