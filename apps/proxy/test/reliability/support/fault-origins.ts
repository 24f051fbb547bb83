import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createInterface } from "node:readline";

/** An origin whose sockets the test can count and close. */
export interface FaultOrigin {
  readonly url: string;
  /** Connections the origin accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

async function listen(server: Server, onSocket: (socket: Socket) => void): Promise<FaultOrigin> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on("connection", (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Accepts connections and reads requests, never answers. */
export function startHangingOrigin(): Promise<FaultOrigin> {
  return listen(createServer(), (socket) => socket.resume());
}

/** Answers every request with bytes that are not HTTP, and keeps the connection open. */
export function startGarbageOrigin(): Promise<FaultOrigin> {
  return listen(createServer(), (socket) => {
    socket.once("data", () =>
      socket.write("SSH-2.0-OpenSSH_9.6\r\nthis is not an HTTP response\r\n\r\n"),
    );
  });
}

export const CUT_DECLARED_BYTES = 1_000_000;
export const CUT_SENT_BYTES = 64 * 1024;

/** Sends a 200 declaring CUT_DECLARED_BYTES, writes CUT_SENT_BYTES of them, then drops the connection. */
export function startCuttingOrigin(): Promise<FaultOrigin> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": CUT_DECLARED_BYTES,
    });
    res.write(Buffer.alloc(CUT_SENT_BYTES, 0x61), () => res.socket?.destroy());
  });
  return listen(server, () => {});
}

/** A healthy origin in a process of its own, so the test can kill it like a crashed server. */
export interface OriginProcess {
  readonly url: string;
  readonly name: string;
  /** SIGKILL: the kernel closes its sockets, as when an origin server crashes. */
  kill(): Promise<void>;
}

const ORIGIN_SCRIPT = `
const { createServer } = require("node:http");
const server = createServer((req, res) => {
  req.resume();
  res.setHeader("x-origin", process.env.ORIGIN_NAME);
  res.end("ok " + req.url);
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

export async function startOriginProcess(name: string): Promise<OriginProcess> {
  const child = spawn(process.execPath, ["-e", ORIGIN_SCRIPT], {
    env: { PATH: process.env.PATH, ORIGIN_NAME: name },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout }), "line"),
    exited.then(() => {
      throw new Error(`origin ${name} exited before listening`);
    }),
  ])) as [string];
  return {
    url: `http://127.0.0.1:${line.trim()}`,
    name,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
