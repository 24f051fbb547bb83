/** One satisfiable byte range of a stored body, both ends inclusive (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/i;

/**
 * The range a `Range: bytes=…` header asks of a body of `size` bytes. Only a single satisfiable
 * range is answered from storage; anything else (several ranges, other units, a range past the
 * end) goes to the origin, which owns the 206/416 semantics for it.
 */
export function toByteRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header === undefined ? null : SINGLE_RANGE.exec(header.trim());
  if (!match || size === 0) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "") {
    const suffixLength = Number(last);
    if (last === "" || suffixLength === 0) return undefined;
    return { start: Math.max(0, size - suffixLength), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return undefined;
  return { start, end };
}
