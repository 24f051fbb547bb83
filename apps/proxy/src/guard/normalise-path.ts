import { ProxyError } from "../errors.ts";

/**
 * One spelling per path, so routing, cache keys and prefix rules cannot be dodged:
 * unreserved percent-escapes decoded (RFC 3986 §2.3), other escapes upper-cased (§6.2.2.1),
 * dot segments resolved (§5.2.4) — `%2e%2e` included, since it decodes to `..` — and never
 * above `/`. `%2F` stays an escape, not a separator. Nothing else changes (`//` stays).
 */
export function normalisePath(path: string): string {
  if (path.charCodeAt(0) !== 0x2f) {
    throw new ProxyError("BAD_REQUEST", "client", { message: "request path must start with /" });
  }
  const decoded = path.includes("%") ? canonicalEscapes(path) : path;
  return hasDotSegment(decoded) ? removeDotSegments(decoded) : decoded;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e // ~
  );
}

function canonicalEscapes(path: string): string {
  let out = "";
  let index = 0;
  while (index < path.length) {
    const percent = path.indexOf("%", index);
    if (percent === -1) {
      out += path.slice(index);
      break;
    }
    out += path.slice(index, percent);
    const hex = path.slice(percent + 1, percent + 3);
    if (!HEX.test(hex)) {
      throw new ProxyError("BAD_REQUEST", "client", { message: "malformed percent-escape in path" });
    }
    const code = Number.parseInt(hex, 16);
    out += isUnreserved(code) ? String.fromCharCode(code) : `%${hex.toUpperCase()}`;
    index = percent + 3;
  }
  return out;
}

function hasDotSegment(path: string): boolean {
  return path.includes("/.") && /\/\.\.?(?:\/|$)/.test(path);
}

function removeDotSegments(path: string): string {
  const input = path.split("/");
  const output: string[] = [];
  for (let index = 1; index < input.length; index++) {
    const segment = input[index] ?? "";
    const last = index === input.length - 1;
    if (segment === ".") {
      if (last) output.push("");
    } else if (segment === "..") {
      output.pop();
      if (last) output.push("");
    } else {
      output.push(segment);
    }
  }
  return `/${output.join("/")}`;
}
