/** The value of cookie `name` in a request's Cookie header (RFC 6265 §5.4), or undefined. */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(";")) {
    const separator = pair.indexOf("=");
    if (separator === -1) continue;
    if (pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

export function hasAnyCookie(cookieHeader: string | undefined, names: readonly string[]): boolean {
  if (!cookieHeader || names.length === 0) return false;
  return names.some((name) => readCookie(cookieHeader, name) !== undefined);
}
