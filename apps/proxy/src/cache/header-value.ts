/**
 * One comparable string for a request header, so `gzip,br` and `gzip, br` (or two field lines)
 * select the same variant. RFC 9111 §4.1 lets a cache normalise values before matching.
 * `undefined` stays distinct from the empty value.
 */
export function normaliseHeaderValue(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const joined = typeof value === "string" ? value : value.join(",");
  return joined.trim().replace(/\s*,\s*/g, ",").replace(/\s+/g, " ");
}
