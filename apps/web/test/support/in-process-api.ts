import { hashPassword } from "@concierge/db/password";
import { createUserRepository, type Role } from "@concierge/db/repositories/users";
import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";

import { CLIENT_ADDRESS_HEADER, CLIENT_HTTPS_HEADER } from "../../src/auth/client-info.ts";
import { OPERATIONS } from "../../src/openapi/openapi-document.ts";

export const PUBLIC_URL = "http://dashboard.test";

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

/** `/api/v1/pools/{id}` → the route module at `src/app/api/v1/pools/[id]/route.ts`, as Next.js maps it. */
async function loadHandler(template: string, method: string): Promise<Handler | undefined> {
  const directory = template.replace(/^\/api\/v1\//, "").replace(/\{(\w+)\}/g, "[$1]");
  const file = new URL(`../../src/app/api/v1/${directory}/route.ts`, import.meta.url).pathname;
  const module = (await import(/* @vite-ignore */ file)) as Record<string, Handler>;
  return module[method.toUpperCase()];
}

function matchTemplate(template: string, pathname: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const match = new RegExp(`^${pattern}$`).exec(pathname);
  if (!match) return null;
  return Object.fromEntries(
    names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? "")]),
  );
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text, for malformed-input tests. */
  rawBody?: string;
  token?: string;
  cookie?: string;
  origin?: string | null;
  contentType?: string;
  clientAddress?: string;
  /** The request reached the server over TLS (or via a trusted proxy's X-Forwarded-Proto: https). */
  https?: boolean;
}

/**
 * Calls a /api/v1 route handler in process with a real Request, the way the custom server would:
 * client address stamped, Origin of the dashboard for cookie calls unless told otherwise.
 */
export async function callApi(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const url = new URL(path, PUBLIC_URL);
  for (const template of new Set(OPERATIONS.map((operation) => operation.path))) {
    const params = matchTemplate(template, url.pathname);
    if (params === null) continue;
    const handler = await loadHandler(template, method);
    if (!handler) return new Response(null, { status: 405 });
    const headers = new Headers({
      [CLIENT_ADDRESS_HEADER]: options.clientAddress ?? "127.0.0.1",
      [CLIENT_HTTPS_HEADER]: options.https ? "1" : "0",
    });
    if (options.token) headers.set("authorization", `Bearer ${options.token}`);
    if (options.cookie) headers.set("cookie", options.cookie);
    const origin =
      options.origin === undefined ? (options.cookie ? PUBLIC_URL : null) : options.origin;
    if (origin !== null) headers.set("origin", origin);
    const body =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) {
      headers.set("content-type", options.contentType ?? "application/json");
      headers.set("content-length", String(Buffer.byteLength(body)));
    }
    const request = new Request(url, { method, headers, ...(body === undefined ? {} : { body }) });
    return handler(request, { params: Promise.resolve(params) });
  }
  return new Response(null, { status: 404 });
}

export interface TestApi {
  database: TestDatabase;
  close(): Promise<void>;
}

/** A fresh database for this file, wired into the web's env; call before the first API call. */
export async function startTestApi(): Promise<TestApi> {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.CONCIERGE_PUBLIC_URL = PUBLIC_URL;
  const { closeDb } = await import("../../src/data/db.ts");
  return {
    database,
    async close() {
      await closeDb();
      await database.drop();
    },
  };
}

let counter = 0;

/** A user with a known password and a Bearer token acting as them. */
export async function createUserWithToken(
  database: TestDatabase,
  role: Role,
): Promise<{ id: string; email: string; password: string; token: string }> {
  counter += 1;
  const email = `${role}-${counter}-${Date.now()}@example.test`;
  const password = `correct horse ${counter} battery`;
  const user = await createUserRepository(database.db).create({
    email,
    role,
    passwordHash: await hashPassword(password),
  });
  const { createToken } = await import("../../src/data/tokens.ts");
  const { token } = await createToken(
    { id: user.id, email, role, mustChangePassword: false, sessionId: null },
    { name: "test" },
  );
  return { id: user.id, email, password, token };
}

export async function signInCookie(email: string, password: string): Promise<string> {
  const response = await callApi("POST", "/api/v1/session", { body: { email, password } });
  if (response.status !== 201) throw new Error(`sign-in failed with ${response.status}`);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0] ?? "";
}

export function samplePool(name = "shop", urls = ["http://127.0.0.1:9001"]) {
  return { name, targets: urls.map((url) => ({ url })) };
}
