/** A readable difference between two revisions' snapshots, grouped by pool and route. */

interface Entity {
  id: string;
  name?: unknown;
}

interface SnapshotLike {
  pools?: readonly Entity[];
  routes?: readonly Entity[];
}

export interface FieldChange {
  /** e.g. `targets[1].weight`, `cache.enabled` */
  path: string;
  before: unknown;
  after: unknown;
}

export interface EntityDiff {
  kind: "pool" | "route";
  id: string;
  name: string;
  change: "added" | "removed" | "changed";
  fields: FieldChange[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Leaves by path; arrays of scalars stay whole (hosts, methods), arrays of objects go by index. */
function flatten(value: unknown, path: string, into: Map<string, unknown>): void {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && path !== "") into.set(path, {});
    for (const key of keys) flatten(value[key], path === "" ? key : `${path}.${key}`, into);
  } else if (Array.isArray(value) && value.some((item) => isPlainObject(item))) {
    if (value.length === 0) into.set(path, []);
    value.forEach((item, index) => flatten(item, `${path}[${index}]`, into));
  } else {
    into.set(path, value);
  }
}

function fieldChanges(before: Entity | undefined, after: Entity | undefined): FieldChange[] {
  const left = new Map<string, unknown>();
  const right = new Map<string, unknown>();
  flatten(before ?? {}, "", left);
  flatten(after ?? {}, "", right);
  const paths = [...new Set([...left.keys(), ...right.keys()])].filter((path) => path !== "id");
  return paths
    .filter((path) => JSON.stringify(left.get(path)) !== JSON.stringify(right.get(path)))
    .map((path) => ({ path, before: left.get(path), after: right.get(path) }));
}

function diffKind(
  kind: EntityDiff["kind"],
  before: readonly Entity[],
  after: readonly Entity[],
): EntityDiff[] {
  const beforeById = new Map(before.map((entity) => [entity.id, entity]));
  const afterById = new Map(after.map((entity) => [entity.id, entity]));
  const ids = [...new Set([...beforeById.keys(), ...afterById.keys()])];
  const diffs: EntityDiff[] = [];
  for (const id of ids) {
    const old = beforeById.get(id);
    const current = afterById.get(id);
    const fields = fieldChanges(old, current);
    if (fields.length === 0) continue;
    const name = (current ?? old)?.name;
    diffs.push({
      kind,
      id,
      name: typeof name === "string" ? name : id,
      change: old === undefined ? "added" : current === undefined ? "removed" : "changed",
      fields,
    });
  }
  return diffs.sort((a, b) => a.name.localeCompare(b.name));
}

export function diffSnapshots(before: unknown, after: unknown): EntityDiff[] {
  const left = (isPlainObject(before) ? before : {}) as SnapshotLike;
  const right = (isPlainObject(after) ? after : {}) as SnapshotLike;
  return [
    ...diffKind("pool", left.pools ?? [], right.pools ?? []),
    ...diffKind("route", left.routes ?? [], right.routes ?? []),
  ];
}

/** For the audit log: the before/after of one entry, as field changes. */
export function diffValues(before: unknown, after: unknown): FieldChange[] {
  const wrap = (value: unknown): Entity => ({
    id: "",
    ...(isPlainObject(value) ? value : { value }),
  });
  return fieldChanges(
    before == null ? undefined : wrap(before),
    after == null ? undefined : wrap(after),
  );
}
