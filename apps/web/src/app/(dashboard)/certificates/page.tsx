import { currentActor } from "../../../auth/current-actor.ts";
import { hasRole } from "../../../auth/roles.ts";
import { Card } from "../../../components/ui/card.tsx";
import { PageHeader } from "../../../components/ui/page-header.tsx";
import { CertificateTable } from "./_components/certificate-table.tsx";
import { SelfSignedForm } from "./_components/self-signed-form.tsx";
import { UploadCertificateForm } from "./_components/upload-certificate-form.tsx";

export const metadata = { title: "Certificates · Concierge" };

export default async function CertificatesPage() {
  const actor = await currentActor();
  return (
    <>
      <PageHeader
        title="Certificates"
        description="What the proxies present to TLS clients, chosen by SNI. Keys go in once and never come back out."
      />
      <div className="space-y-6">
        <Card title="Certificates">
          <CertificateTable />
        </Card>
        {actor && hasRole(actor, "editor") && (
          <>
            <Card title="Upload">
              <UploadCertificateForm />
            </Card>
            <Card title="Generate self-signed">
              <SelfSignedForm />
            </Card>
          </>
        )}
      </div>
    </>
  );
}
