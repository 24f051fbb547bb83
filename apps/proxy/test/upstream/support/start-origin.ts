import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface TestOrigin {
  readonly url: string;
  readonly server: Server;
  /** Requests this origin has received (a killed origin stops counting). */
  readonly received: { method: string; url: string }[];
  openSockets(): number;
  /** Stops listening and destroys every open connection, mid-request ones included. */
  kill(): Promise<void>;
}

export async function startOrigin(
  handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end("ok"),
): Promise<TestOrigin> {
  const received: { method: string; url: string }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? "", url: req.url ?? "" });
    handle(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    received,
    openSockets: () => sockets.size,
    async kill() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** An address nothing listens on: a port that was just released. */
export async function deadUrl(): Promise<string> {
  const origin = await startOrigin();
  await origin.kill();
  return origin.url;
}
