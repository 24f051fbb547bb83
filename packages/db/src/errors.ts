/** A write refused because it would duplicate something unique (HTTP 409). */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** The thing acted on does not exist (HTTP 404). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

function prismaCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

/** Prisma's P2002: a unique constraint refused the write. */
export function isUniqueViolation(error: unknown): boolean {
  return prismaCode(error) === "P2002";
}

/** Prisma's P2003: a foreign key refused the write (e.g. deleting a pool that routes still use). */
export function isForeignKeyViolation(error: unknown): boolean {
  return prismaCode(error) === "P2003";
}

/** Prisma's P2025: the record an update or delete needed was not found. */
export function isNotFound(error: unknown): boolean {
  return prismaCode(error) === "P2025";
}

/**
 * A change that would leave the configuration invalid (a dangling pool, a duplicate route, …).
 * `problems` say what and where, one per line: `routes[1]: duplicates routes[0] ("shop")`.
 */
export class InvalidConfigError extends Error {
  override name = "InvalidConfigError";
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`the configuration would be invalid: ${problems.join("; ")}`);
    this.problems = problems;
  }
}
