import { PageHeader } from "../../../../components/ui/page-header.tsx";
import { ChangePasswordForm } from "../../_components/change-password-form.tsx";

export const metadata = { title: "Change password · Concierge" };

export default function ChangePasswordPage() {
  return (
    <>
      <PageHeader title="Change password" description="Your other sessions end when you change it." />
      <ChangePasswordForm />
    </>
  );
}
