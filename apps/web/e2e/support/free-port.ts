import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";

/** A loopback port the OS had free a moment ago, for servers that must know their port before they start. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
