import { ensureBuild } from "./start-web.ts";

/**
 * vitest globalSetup: the dashboard is built (when its sources changed) once before any test
 * file runs, so files that start the real server in parallel never race two `next build`s.
 */
export default async function buildOnce(): Promise<void> {
  await ensureBuild();
}
