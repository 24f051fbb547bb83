import { PageHeader } from "../../../components/ui/page-header.tsx";
import { AuditLog } from "./_components/audit-log.tsx";

export const metadata = { title: "Audit log · Concierge" };

export default function AuditPage() {
  return (
    <>
      <PageHeader title="Audit log" description="Who did what, when, with the before and after." />
      <AuditLog />
    </>
  );
}
