export const SESSION_COOKIE = "concierge_session";
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The value of one cookie from a Cookie header, or undefined. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const separator = pair.indexOf("=");
    if (separator !== -1 && pair.slice(0, separator).trim() === name) {
      return pair.slice(separator + 1).trim();
    }
  }
  return undefined;
}

/**
 * Host-only (no Domain), HttpOnly, SameSite=Lax, Path=/; Secure when the browser reached us over
 * HTTPS, since a Secure cookie set over plain HTTP would never come back.
 */
export function sessionCookie(
  value: string,
  options: { secure: boolean; maxAgeMs: number },
): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.floor(options.maxAgeMs / 1000)}`,
  ];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie(options: { secure: boolean }): string {
  return sessionCookie("", { secure: options.secure, maxAgeMs: 0 });
}
