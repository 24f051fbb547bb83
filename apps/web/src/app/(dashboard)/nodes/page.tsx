import { NodesTable } from "./_components/nodes-table.tsx";

export const metadata = { title: "Nodes · Concierge" };

export default function NodesPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold text-slate-900 dark:text-slate-50">Nodes</h1>
      <NodesTable />
    </div>
  );
}
