export interface DashboardApi {
  /** POSTs JSON as the signed-in user; throws with the problem body unless the answer is 2xx. */
  post<Result>(path: string, body: unknown): Promise<Result>;
}

/**
 * Signs in to the web server directly (a script sends no Origin, so sign-in takes none) and
 * then calls it with that session, presenting the dashboard's public origin as the browser would.
 */
export async function signInToApi(options: {
  baseUrl: string;
  publicOrigin: string;
  email: string;
  password: string;
}): Promise<DashboardApi> {
  const signIn = await fetch(`${options.baseUrl}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: options.email, password: options.password }),
    signal: AbortSignal.timeout(10_000),
  });
  if (signIn.status !== 201) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie()[0]?.split(";")[0];
  if (cookie === undefined) throw new Error("sign-in set no cookie");

  return {
    async post<Result>(path: string, body: unknown): Promise<Result> {
      const response = await fetch(`${options.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: options.publicOrigin },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as Result;
    },
  };
}
