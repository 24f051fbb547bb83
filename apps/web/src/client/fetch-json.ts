/** An answer that was not 2xx, with the problem+json body when the API sent one. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly problem: { detail?: string; errors?: { path: string; message: string }[] } | undefined;

  constructor(status: number, problem: ApiError["problem"]) {
    super(problem?.detail ?? `Request failed with status ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Same-origin JSON call to /api/v1; the browser adds the session cookie and Origin. */
export async function fetchJson<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? null : JSON.stringify(init.body),
    signal: init.signal ?? null,
    credentials: "same-origin",
  });
  if (!response.ok) {
    const isProblem = response.headers.get("content-type")?.includes("json") ?? false;
    throw new ApiError(
      response.status,
      isProblem ? ((await response.json()) as ApiError["problem"]) : undefined,
    );
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}
