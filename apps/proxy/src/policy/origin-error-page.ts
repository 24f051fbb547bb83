import type { CompiledRoute } from "../config/compile-config.ts";
import { abandonBody } from "../abandon-body.ts";
import type { ProxyResponse } from "../origin.ts";

/** The origin's 4xx/5xx body replaced by the route's page, when the route asks for that; status and other headers kept. */
export function withOriginErrorPage(route: CompiledRoute, response: ProxyResponse): ProxyResponse {
  const pages = route.policies.errorPages;
  if (!pages?.forOrigin || response.statusCode < 400) return response;
  const page = pages.pageFor(response.statusCode);
  if (!page) return response;
  if (response.body !== null && !Buffer.isBuffer(response.body)) abandonBody(response.body);
  const headers = { ...response.headers };
  for (const name of ["content-encoding", "content-range", "etag", "last-modified", "transfer-encoding"]) delete headers[name];
  headers["content-type"] = "text/html; charset=utf-8";
  headers["content-length"] = page.length;
  return { ...response, headers, body: page };
}
