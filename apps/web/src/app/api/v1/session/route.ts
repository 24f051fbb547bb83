import { sessionCookie, clearedSessionCookie } from "../../../../auth/session-cookie.ts";
import { defineHandler, definePublicHandler } from "../../../../data/define-handler.ts";
import { SignInSchema, signIn, signOut } from "../../../../data/session.ts";

// POST /api/v1/session — sign in with {email, password}; sets the session cookie
export const POST = definePublicHandler(
  { body: SignInSchema, status: 201 },
  async ({ body, client, request }) => {
    const { token, expiresAt, user } = await signIn(
      body,
      client,
      request.headers.get("user-agent") ?? undefined,
    );
    const cookie = sessionCookie(token, {
      secure: client.https,
      maxAgeMs: expiresAt.getTime() - Date.now(),
    });
    return Response.json(
      { user, expiresAt },
      { status: 201, headers: { "set-cookie": cookie, "cache-control": "no-store" } },
    );
  },
);

// GET /api/v1/session — who is signed in
export const GET = defineHandler({ allowPendingPasswordChange: true }, ({ actor }) => {
  const { id, email, role, mustChangePassword } = actor;
  return Promise.resolve({ user: { id, email, role, mustChangePassword } });
});

// DELETE /api/v1/session — sign out; ?all=1 ends every session of the user
export const DELETE = defineHandler(
  { allowPendingPasswordChange: true },
  async ({ actor, request, client }) => {
    const everywhere = new URL(request.url).searchParams.get("all") === "1";
    await signOut(actor, { everywhere }, client);
    return new Response(null, {
      status: 204,
      headers: { "set-cookie": clearedSessionCookie({ secure: client.https }) },
    });
  },
);
