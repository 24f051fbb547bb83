import { PageHeader } from "../../../components/ui/page-header.tsx";
import { TokenManager } from "./_components/token-manager.tsx";

export const metadata = { title: "API tokens · Concierge" };

export default function TokensPage() {
  return (
    <>
      <PageHeader title="API tokens" description="For automation: each token acts with its owner's current role." />
      <TokenManager />
    </>
  );
}
