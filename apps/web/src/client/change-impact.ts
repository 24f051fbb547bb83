/** What a pending pool or route change affects, worked out from the current lists before saving. */

interface TargetShape {
  url: string;
  enabled?: boolean | undefined;
  draining?: boolean | undefined;
}

export interface PoolShape {
  id?: string | undefined;
  name: string;
  targets: readonly TargetShape[];
}

export interface RouteShape {
  id?: string | undefined;
  name: string;
  hosts: readonly string[];
  pathPrefix: string;
  priority: number;
  poolId: string;
}

export interface ImpactItem {
  tone: "warning" | "info";
  message: string;
}

export type ProposedChange =
  | { kind: "route"; route: RouteShape }
  | { kind: "pool"; pool: PoolShape };

function hasServingTarget(pool: PoolShape): boolean {
  return pool.targets.some((target) => target.enabled !== false && target.draining !== true);
}

function sharedHosts(a: RouteShape, b: RouteShape): string[] {
  return a.hosts.filter((host) => b.hosts.includes(host));
}

function shadowing(route: RouteShape, others: readonly RouteShape[]): ImpactItem[] {
  const items: ImpactItem[] = [];
  for (const other of others) {
    if (other.pathPrefix !== route.pathPrefix) continue;
    const hosts = sharedHosts(route, other);
    if (hosts.length === 0 || other.priority === route.priority) continue;
    const where = `${hosts.join(", ")} ${route.pathPrefix}`;
    items.push(
      other.priority > route.priority
        ? {
            tone: "warning",
            message: `Shadowed: route "${other.name}" (priority ${other.priority}) takes requests for ${where} before this one.`,
          }
        : {
            tone: "warning",
            message: `Route "${other.name}" (priority ${other.priority}) will be shadowed by this one for ${where}.`,
          },
    );
  }
  return items;
}

function poolsWithoutRoutes(pools: readonly PoolShape[], routes: readonly RouteShape[]): ImpactItem[] {
  const used = new Set(routes.map((route) => route.poolId));
  return pools
    .filter((pool) => pool.id !== undefined && !used.has(pool.id))
    .map((pool) => ({
      tone: "info" as const,
      message: `Pool "${pool.name}" is left without routes: nothing will send it traffic.`,
    }));
}

export function assessChange(
  change: ProposedChange,
  current: { pools: readonly PoolShape[]; routes: readonly RouteShape[] },
): ImpactItem[] {
  if (change.kind === "route") {
    const { route } = change;
    const others = current.routes.filter((other) => route.id === undefined || other.id !== route.id);
    const items = shadowing(route, others);
    const pool = current.pools.find((candidate) => candidate.id === route.poolId);
    if (pool && !hasServingTarget(pool)) {
      items.push({
        tone: "warning",
        message: `Pool "${pool.name}" has no enabled target: requests to this route will fail with 503.`,
      });
    }
    return [...items, ...poolsWithoutRoutes(current.pools, [...others, route])];
  }

  const { pool } = change;
  const users = current.routes.filter((route) => pool.id !== undefined && route.poolId === pool.id);
  const items: ImpactItem[] = [];
  if (users.length > 0) {
    items.push({
      tone: "info",
      message: `Used by ${users.length === 1 ? "route" : "routes"} ${users.map((route) => `"${route.name}"`).join(", ")}.`,
    });
    if (!hasServingTarget(pool)) {
      items.push({
        tone: "warning",
        message: `No enabled target left: ${users.length === 1 ? "that route" : "those routes"} will answer 503.`,
      });
    }
  } else {
    items.push({ tone: "info", message: "No route uses this pool yet: add one to send it traffic." });
  }
  return items;
}
