/**
 * A shallow copy of a header object. Written as a loop on purpose: on node 20, object spread of
 * these dynamically built header objects measured an order of magnitude slower, on every hit.
 */
export function copyHeaders<Headers extends Record<string, unknown>>(headers: Headers): Headers {
  const copy: Record<string, unknown> = {};
  for (const name in headers) copy[name] = headers[name];
  return copy as Headers;
}
