import type { Db, Tx } from "../client.ts";

/** Keys are "account:<email>" or "ip:<address>". */
export function createLoginAttemptRepository(db: Db | Tx) {
  return {
    async record(keys: readonly string[], succeeded: boolean): Promise<void> {
      await db.loginAttempt.createMany({ data: keys.map((key) => ({ key, succeeded })) });
    },

    /**
     * Failures for `key` since `since` that came after the key's last success (a successful
     * sign-in clears the count), with the oldest of them to tell when the window frees up.
     */
    async recentFailures(
      key: string,
      since: Date,
    ): Promise<{ count: number; oldest: Date | null }> {
      const lastSuccess = await db.loginAttempt.findFirst({
        where: { key, succeeded: true, createdAt: { gte: since } },
        orderBy: { createdAt: "desc" },
        select: { createdAt: true },
      });
      const from = lastSuccess?.createdAt ?? since;
      const where = { key, succeeded: false, createdAt: { gte: from } };
      const [count, oldest] = await Promise.all([
        db.loginAttempt.count({ where }),
        db.loginAttempt.findFirst({
          where,
          orderBy: { createdAt: "asc" },
          select: { createdAt: true },
        }),
      ]);
      return { count, oldest: oldest?.createdAt ?? null };
    },
  };
}
