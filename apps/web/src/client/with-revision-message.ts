/** Adds the operator's note for the revision a config write creates (`?message=`). */
export function withRevisionMessage(path: string, message: string): string {
  const trimmed = message.trim();
  return trimmed === "" ? path : `${path}?message=${encodeURIComponent(trimmed)}`;
}
