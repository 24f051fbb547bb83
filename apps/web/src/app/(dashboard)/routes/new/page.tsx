import { PageHeader } from "../../../../components/ui/page-header.tsx";
import { RouteForm } from "../_components/route-form.tsx";

export const metadata = { title: "New route · Concierge" };

export default function NewRoutePage() {
  return (
    <>
      <PageHeader title="New route" />
      <RouteForm />
    </>
  );
}
