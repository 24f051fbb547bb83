import type { Db } from "@concierge/db/client";
import { loadSecretKey } from "@concierge/db/certificate-crypto";

import type { ConfigSync } from "../config/watch-revisions.ts";
import type { Lifecycle } from "../lifecycle.ts";
import { startTlsListener } from "../listener/tls-listener.ts";
import type { Logger } from "../logger.ts";
import type { ProxyRuntime } from "../runtime.ts";
import { createCertificateStore, type CompiledCertificates } from "./certificate-store.ts";
import { createCertificateLoader } from "./load-certificates.ts";

function holdsCertificates(certificates: CompiledCertificates): boolean {
  return (
    certificates.exact.size > 0 ||
    certificates.wildcard.size > 0 ||
    certificates.fallback !== undefined
  );
}

/**
 * The TLS side of a worker: certificates reloaded from the database with every applied revision
 * (a certificate change is a revision too), and the TLS port opened once there is a certificate
 * to serve — a fresh install holds the port only when it can complete a handshake.
 */
export async function serveTls(options: {
  db: Db;
  port: number;
  /** Each connection starts with a PROXY protocol header (listener/proxy-protocol.ts). */
  proxyProtocol?: boolean;
  host: string;
  secretKeyBase64: string | undefined;
  dataDir: string;
  runtime: ProxyRuntime;
  sync: ConfigSync;
  lifecycle: Lifecycle;
  shutdownGraceMs: number;
  log: Logger;
}): Promise<void> {
  const { log } = options;
  const store = createCertificateStore();
  const secretKey = await loadSecretKey({
    base64: options.secretKeyBase64,
    dataDir: options.dataDir,
  });
  const loader = createCertificateLoader({ db: options.db, secretKey, store, log });

  let listening = false;
  const listenWhenServable = async (certificates: CompiledCertificates): Promise<void> => {
    if (listening || !holdsCertificates(certificates)) return;
    listening = true;
    try {
      const listener = await startTlsListener({
        port: options.port,
        host: options.host,
        proxyProtocol: options.proxyProtocol,
        runtime: options.runtime,
        log,
        certificates: store,
      });
      options.lifecycle.defer("tls listener", () => listener.drain(options.shutdownGraceMs));
      log.info({ host: options.host, port: listener.port }, "tls listening");
    } catch (error) {
      log.error(
        { err: error, port: options.port },
        "tls port not opened; plain HTTP keeps serving",
      );
    }
  };

  store.onChange((certificates) => void listenWhenServable(certificates));
  await loader.refresh();
  await listenWhenServable(store.current());

  let loadedFor = options.sync.status().revision;
  options.sync.onChange(({ revision }) => {
    if (revision === loadedFor) return;
    loadedFor = revision;
    void loader.refresh();
  });
}
