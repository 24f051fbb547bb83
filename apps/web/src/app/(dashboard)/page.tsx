import { Overview } from "./_components/overview.tsx";

export const metadata = { title: "Overview · Concierge" };

export default function OverviewPage() {
  return <Overview />;
}
