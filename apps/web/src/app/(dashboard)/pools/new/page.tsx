import { PageHeader } from "../../../../components/ui/page-header.tsx";
import { PoolForm } from "../_components/pool-form.tsx";

export const metadata = { title: "New pool · Concierge" };

export default function NewPoolPage() {
  return (
    <>
      <PageHeader title="New pool" />
      <PoolForm />
    </>
  );
}
