import { PageHeader } from "../../../components/ui/page-header.tsx";
import { RevisionHistory } from "./_components/revision-history.tsx";

export const metadata = { title: "Revisions · Concierge" };

export default function RevisionsPage() {
  return (
    <>
      <PageHeader
        title="Revisions"
        description="Every saved version of the whole configuration. Compare any two, or roll back."
      />
      <RevisionHistory />
    </>
  );
}
