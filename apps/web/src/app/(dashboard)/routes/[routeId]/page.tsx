import { RouteEditor } from "../_components/route-editor.tsx";

export const metadata = { title: "Route · Concierge" };

export default async function RoutePage({ params }: { params: Promise<{ routeId: string }> }) {
  const { routeId } = await params;
  return <RouteEditor routeId={routeId} />;
}
