import { NotFoundError } from "@concierge/db/errors";
import { z } from "zod";

const Uuid = z.uuid();

/** An id that is not a UUID names nothing: answer 404 rather than let the database complain. */
export function assertId(id: string, kind: string): void {
  if (!Uuid.safeParse(id).success) throw new NotFoundError(`No ${kind} has id ${id}`);
}
