export const poolKeys = {
  all: ["pools"] as const,
  list: () => [...poolKeys.all, "list"] as const,
  detail: (poolId: string) => [...poolKeys.all, "detail", poolId] as const,
};

export const routeKeys = {
  all: ["routes"] as const,
  list: () => [...routeKeys.all, "list"] as const,
  detail: (routeId: string) => [...routeKeys.all, "detail", routeId] as const,
};

export const revisionKeys = {
  all: ["revisions"] as const,
  list: () => [...revisionKeys.all, "list"] as const,
  detail: (revision: number) => [...revisionKeys.all, "detail", revision] as const,
};

export interface AuditFilter {
  actorId: string;
  action: string;
  entityType: string;
}

export const auditKeys = {
  all: ["audit"] as const,
  list: (filter: AuditFilter) => [...auditKeys.all, "list", filter] as const,
};

export const userKeys = {
  all: ["users"] as const,
  list: () => [...userKeys.all, "list"] as const,
};

export const tokenKeys = {
  all: ["tokens"] as const,
  list: () => [...tokenKeys.all, "list"] as const,
};
