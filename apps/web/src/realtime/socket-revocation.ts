/**
 * Route handlers run inside the Next.js bundle while socket.io lives in the custom server; both
 * are in one process, so the server registers its disconnect hooks here under a shared symbol.
 */
const REVOCATION_KEY = Symbol.for("concierge.web.socket-revocation");

export interface SocketRevocation {
  disconnectSessions(sessionIds: readonly string[]): void;
  disconnectUser(userId: string): void;
}

type Holder = { [REVOCATION_KEY]?: SocketRevocation };

export function registerSocketRevocation(revocation: SocketRevocation): void {
  (globalThis as Holder)[REVOCATION_KEY] = revocation;
}

/** Closes dashboard sockets opened with these sessions (no-op when no socket server runs). */
export function disconnectSessions(sessionIds: readonly string[]): void {
  (globalThis as Holder)[REVOCATION_KEY]?.disconnectSessions(sessionIds);
}

export function disconnectUser(userId: string): void {
  (globalThis as Holder)[REVOCATION_KEY]?.disconnectUser(userId);
}
