import { ConnectionsView } from "./_components/connections-view.tsx";

export const metadata = { title: "Connections · Concierge" };

export default function ConnectionsPage() {
  return <ConnectionsView />;
}
