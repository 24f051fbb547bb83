import type { Db, Tx } from "../client.ts";
import { INSTALLATION_ID_SETTING } from "../bootstrap.ts";

/** The installation's short id (written by bootstrap), or null before the first start finished. */
export async function readInstallationId(db: Db | Tx): Promise<string | null> {
  const setting = await db.setting.findUnique({ where: { key: INSTALLATION_ID_SETTING }, select: { value: true } });
  return typeof setting?.value === "string" ? setting.value : null;
}
