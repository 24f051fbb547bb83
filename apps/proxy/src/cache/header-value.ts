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

/**
 * A Vary selecting field's value for matching (RFC 9111 §4.1). Accept-Language is compared as a
 * set of case-insensitive tags (RFC 9110 §12.5.4): `en, de` and `De,EN` ask for the same thing.
 */
export function normaliseSelectingValue(name: string, value: string | string[] | undefined): string | undefined {
  const normalised = normaliseHeaderValue(value);
  if (normalised === undefined || name !== "accept-language") return normalised;
  return normalised.toLowerCase().replace(/\s+/g, "").split(",").sort().join(",");
}
