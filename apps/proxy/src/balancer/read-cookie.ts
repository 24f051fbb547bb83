/** The value of cookie `name` in a Cookie header (RFC 6265 §4.2.1), without parsing the rest. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let start = 0;
  while (start < header.length) {
    while (header.charCodeAt(start) === 0x20) start++;
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    if (
      header.startsWith(name, start) &&
      header.charCodeAt(start + name.length) === 0x3d /* = */
    ) {
      return header.slice(start + name.length + 1, end).trim();
    }
    start = end + 1;
  }
  return undefined;
}
