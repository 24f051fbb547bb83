import { defineHandler } from "../../../../../data/define-handler.ts";
import { readLiveOverview } from "../../../../../realtime/live-overview.ts";

// GET /api/v1/live/overview?node=all — the last 15 minutes of live ticks, to seed the overview page
export const GET = defineHandler({}, ({ actor, request }) =>
  Promise.resolve(readLiveOverview(actor, request.url)),
);
