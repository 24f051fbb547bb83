export const poolKeys = {
  all: ["pools"] as const,
  list: () => [...poolKeys.all, "list"] as const,
};

export const routeKeys = {
  all: ["routes"] as const,
  list: () => [...routeKeys.all, "list"] as const,
};
