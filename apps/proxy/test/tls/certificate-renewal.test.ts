import { randomBytes, X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { encryptPrivateKey } from "@concierge/db/certificate-crypto";
import { applyConfigChange } from "@concierge/db/config-change";
import { createCertificateRepository } from "@concierge/db/repositories/certificates";
import { generateSelfSigned } from "@concierge/db/self-signed-certificate";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import type { CertificateIssuer } from "../../src/acme/certificate-issuer.ts";
import { createChallengeResponder } from "../../src/acme/challenge-responder.ts";
import { createRenewalScheduler } from "../../src/acme/renewal-scheduler.ts";
import { serveRenewals } from "../../src/acme/serve-renewals.ts";
import { createSelfSignedIssuer } from "../../src/acme/self-signed-issuer.ts";
import { startConfigSync, type ConfigSync } from "../../src/config/watch-revisions.ts";
import type { DataListener } from "../../src/listener/data-listener.ts";
import { createLifecycle } from "../../src/lifecycle.ts";
import { createLogger } from "../../src/logger.ts";
import { startDataListener } from "../../src/runtime.ts";
import { createCertificateLoader } from "../../src/tls/load-certificates.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { snapshotOf, startOrigin, type Origin } from "../front/support.ts";
import { servedFingerprint, startTlsProxy, type TlsProxy } from "./support/tls-proxy.ts";

const DAY_MS = 86_400_000;
const log = createLogger({ level: "silent", nodeId: "test", worker: 1 });
const lifecycle = createLifecycle(log);
const secretKeyBase64 = randomBytes(32).toString("base64");
const secretKey = Buffer.from(secretKeyBase64, "base64") as Parameters<typeof encryptPrivateKey>[0];

let database: TestDatabase;
let dataDir: string;
let origin: Origin;
let proxy: TlsProxy;
let sync: ConfigSync;
let dataPort: DataListener;

/** Stores a certificate through the upload path: one revision, one audit entry, the proxies notified. */
async function storeCertificate(
  names: string[],
  validDays: number,
  flags: { autoRenew: boolean; isDefault?: boolean },
) {
  const generated = await generateSelfSigned(names, validDays);
  const leaf = new X509Certificate(generated.certificatePem);
  const { result } = await applyConfigChange(
    database.db,
    { actorId: null, action: "certificate.create", entityType: "certificate" },
    (tx) =>
      createCertificateRepository(tx).create({
        names,
        certificatePem: generated.certificatePem,
        encryptedPrivateKey: encryptPrivateKey(secretKey, generated.privateKeyPem),
        fingerprint: leaf.fingerprint256,
        notBefore: new Date(leaf.validFrom),
        notAfter: new Date(leaf.validTo),
        isDefault: flags.isDefault ?? false,
        autoRenew: flags.autoRenew,
      }),
  );
  return result;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-renewal-"));
  origin = await startOrigin((req, res) => res.end(`origin ${req.url}`));
  const snapshot = snapshotOf([origin], [{ hosts: ["*"] }]);
  proxy = await startTlsProxy({ snapshot, certificates: [] });
  sync = await startConfigSync({
    db: database.db,
    databaseUrl: database.url,
    runtime: { apply: () => {} },
    dataDir,
    pseudonym: "concierge-test",
    log,
    pollIntervalMs: 60_000,
    startTimeoutMs: 2_000,
  });
  // What serve-tls.ts does: the proxy's certificates follow every revision.
  const loader = createCertificateLoader({ db: database.db, secretKey, store: proxy.store, log });
  await loader.refresh();
  sync.onChange(() => void loader.refresh());

  const challenges = createChallengeResponder();
  dataPort = await startDataListener({
    port: 0,
    host: "127.0.0.1",
    runtime: proxy.runtime,
    log,
    challenges,
  });
  proxy.runtime.apply(snapshot, 1);
  await serveRenewals({
    db: database.db,
    secretKeyBase64,
    dataDir,
    sync,
    responder: challenges,
    runsScheduler: false,
    settings: { renewBeforeDays: 30, checkEveryMs: 3_600_000, validDays: 90 },
    lifecycle,
    log,
  });
});

afterAll(async () => {
  await lifecycle.shutdown();
  await dataPort.drain(1_000);
  await proxy.close();
  await sync.stop();
  await origin.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function getChallenge(token: string): Promise<{ status: number; body: string }> {
  const answer = await request(
    `http://127.0.0.1:${dataPort.port}/.well-known/acme-challenge/${token}`,
    {
      headers: { host: "renew.test" },
    },
  );
  return { status: answer.statusCode, body: await answer.body.text() };
}

describe("certificate renewal", () => {
  it("reissues auto-renewed certificates that expire within the window, and the proxy serves the new one live", async () => {
    const due = await storeCertificate(["renew.test"], 5, { autoRenew: true, isDefault: true });
    const manual = await storeCertificate(["manual.test"], 5, { autoRenew: false });
    const later = await storeCertificate(["later.test"], 60, { autoRenew: true });
    await waitFor("the proxy to load the certificates", async () =>
      (await servedFingerprint(proxy.port, "later.test")) === later.fingerprint ? true : undefined,
    );
    expect(await servedFingerprint(proxy.port, "renew.test")).toBe(due.fingerprint);

    const scheduler = createRenewalScheduler({
      db: database.db,
      issuer: createSelfSignedIssuer({ validDays: 90 }),
      secretKey,
      renewBeforeDays: 30,
      checkEveryMs: 3_600_000,
      log,
    });
    const outcomes = await scheduler.runOnce();
    expect(outcomes.map(({ id, outcome }) => ({ id, outcome }))).toEqual([
      { id: due.id, outcome: "renewed" },
    ]);

    const rows = await createCertificateRepository(database.db).list();
    const renewed = rows.find((row) => row.id === due.id);
    expect(renewed?.fingerprint).not.toBe(due.fingerprint);
    expect(renewed?.notAfter.getTime()).toBeGreaterThan(Date.now() + 80 * DAY_MS);
    expect([renewed?.isDefault, renewed?.autoRenew, renewed?.names]).toEqual([
      true,
      true,
      ["renew.test"],
    ]);
    expect(rows.find((row) => row.id === manual.id)?.fingerprint).toBe(manual.fingerprint);
    expect(rows.find((row) => row.id === later.id)?.fingerprint).toBe(later.fingerprint);
    const audit = await database.db.auditEntry.findFirst({
      where: { action: "certificate.renew" },
    });
    expect(audit?.entityId).toBe(due.id);

    await waitFor("the proxy to serve the renewed certificate", async () =>
      (await servedFingerprint(proxy.port, "renew.test")) === renewed?.fingerprint
        ? true
        : undefined,
    );
    expect(await servedFingerprint(proxy.port)).toBe(renewed?.fingerprint);
    expect(await scheduler.runOnce()).toEqual([]);
  });

  it("stores a renewal only over the certificate it read: a concurrent renewal wins", async () => {
    const due = await storeCertificate(["race.test"], 3, { autoRenew: true });
    const repository = createCertificateRepository(database.db);
    const fields = {
      names: due.names,
      certificatePem: "renewed chain",
      encryptedPrivateKey: "renewed key",
      fingerprint: "renewed",
      notBefore: due.notBefore,
      notAfter: new Date(Date.now() + 90 * DAY_MS),
    };
    expect(await repository.renew(due.id, "not-the-stored-fingerprint", fields)).toBe(false);
    expect(await repository.renew(due.id, due.fingerprint, fields)).toBe(true);
    await applyConfigChange(
      database.db,
      { actorId: null, action: "certificate.delete", entityType: "certificate" },
      (tx) => createCertificateRepository(tx).delete(due.id),
    );
  });

  it("answers HTTP-01 challenges on the data port while they are pending, and leaves the rest of the path to the routes", async () => {
    await storeCertificate(["acme.test"], 2, { autoRenew: true });
    const seen: string[] = [];
    const certificateAuthority: CertificateIssuer = {
      name: "test-ca",
      async issue(names, board) {
        const token = randomBytes(16).toString("base64url");
        const keyAuthorization = `${token}.thumbprint`;
        await board.publish({ token, keyAuthorization, expiresAt: new Date(Date.now() + 60_000) });
        const validation = await waitFor("the challenge to be answered", async () => {
          const answer = await getChallenge(token);
          return answer.body === keyAuthorization ? answer : undefined;
        });
        seen.push(validation.body);
        await board.withdraw(token);
        await waitFor("the challenge to be withdrawn", async () =>
          (await getChallenge(token)).body === `origin /.well-known/acme-challenge/${token}`
            ? true
            : undefined,
        );
        return generateSelfSigned(names, 90);
      },
    };
    const scheduler = createRenewalScheduler({
      db: database.db,
      issuer: certificateAuthority,
      secretKey,
      renewBeforeDays: 30,
      checkEveryMs: 3_600_000,
      log,
    });
    expect((await scheduler.runOnce()).map(({ outcome }) => outcome)).toEqual(["renewed"]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^[\w-]+\.thumbprint$/);
    expect(await getChallenge("unknown-token")).toEqual({
      status: 200,
      body: "origin /.well-known/acme-challenge/unknown-token",
    });
  });

  it("lets one node at a time renew a certificate: another waits out its claim, or takes over once it ran out", async () => {
    const selfSigned = createSelfSignedIssuer({ validDays: 90 });
    let orders = 0;
    let letIssue!: () => void;
    const issuing = new Promise<void>((resolve) => (letIssue = resolve));
    const slowCertificateAuthority: CertificateIssuer = {
      name: "slow-ca",
      async issue(names, board) {
        orders++;
        await issuing;
        return selfSigned.issue(names, board);
      },
    };
    const node = (issuer: CertificateIssuer, now?: () => Date) =>
      createRenewalScheduler({
        db: database.db,
        issuer,
        secretKey,
        renewBeforeDays: 30,
        checkEveryMs: 3_600_000,
        log,
        now,
      });
    const outcomeOf = (outcomes: Array<{ id: string; outcome: string }>, id: string) =>
      outcomes.find((outcome) => outcome.id === id)?.outcome;

    const contested = await storeCertificate(["contested.test"], 4, { autoRenew: true });
    const firstNode = node(slowCertificateAuthority).runOnce();
    await waitFor("the first node to order the certificate", () => orders === 1);
    expect(outcomeOf(await node(slowCertificateAuthority).runOnce(), contested.id)).toBe(
      "superseded",
    );
    letIssue();
    expect(outcomeOf(await firstNode, contested.id)).toBe("renewed");
    expect(orders).toBe(1);

    const failing: CertificateIssuer = {
      name: "failing-ca",
      issue: () => Promise.reject(new Error("the CA is down")),
    };
    const retried = await storeCertificate(["retried.test"], 4, { autoRenew: true });
    expect(outcomeOf(await node(failing).runOnce(), retried.id)).toBe("failed");
    expect(outcomeOf(await node(selfSigned).runOnce(), retried.id)).toBe("renewed");

    const abandoned = await storeCertificate(["abandoned.test"], 4, { autoRenew: true });
    const claimedUntil = new Date(Date.now() + 60_000);
    expect(
      await createCertificateRepository(database.db).claimRenewal(
        abandoned.id,
        abandoned.fingerprint,
        new Date(),
        claimedUntil,
      ),
    ).toBe(true);
    expect(outcomeOf(await node(selfSigned).runOnce(), abandoned.id)).toBe("superseded");
    const afterTheClaim = () => new Date(claimedUntil.getTime() + 1_000);
    expect(outcomeOf(await node(selfSigned, afterTheClaim).runOnce(), abandoned.id)).toBe(
      "renewed",
    );
  });
});
