import { randomBytes } from "node:crypto";

import { encryptPrivateKey, type SecretKey } from "@concierge/db/certificate-crypto";
import { createCertificateRepository } from "@concierge/db/repositories/certificates";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { createCertificateStore } from "../../src/tls/certificate-store.ts";
import { createCertificateLoader } from "../../src/tls/load-certificates.ts";
import { issueCertificate, type IssuedCertificate } from "./support/issue-certificate.ts";

let database: TestDatabase;
const secretKey = randomBytes(32) as SecretKey;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

function rowOf(issued: IssuedCertificate, names: string[], key: SecretKey, isDefault = false) {
  return {
    names,
    certificatePem: issued.certificatePem,
    encryptedPrivateKey: encryptPrivateKey(key, issued.privateKeyPem),
    fingerprint: "test",
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 86_400_000),
    isDefault,
  };
}

describe("certificate loader", () => {
  it("decrypts stored keys into the store, leaves out keys it cannot decrypt, and keeps the set when the database fails", async () => {
    const [shop, wildcard, foreign] = await Promise.all([
      issueCertificate({ names: ["shop.test"] }),
      issueCertificate({ names: ["*.apps.test"] }),
      issueCertificate({ names: ["foreign.test"] }),
    ]);
    const repository = createCertificateRepository(database.db);
    await repository.create(rowOf(shop, ["shop.test"], secretKey, true));
    await repository.create(rowOf(wildcard, ["*.apps.test"], secretKey));
    await repository.create(rowOf(foreign, ["foreign.test"], randomBytes(32) as SecretKey));

    const store = createCertificateStore();
    const changes: number[] = [];
    store.onChange((current) => changes.push(current.exact.size + current.wildcard.size));
    const loader = createCertificateLoader({
      db: database.db,
      secretKey,
      store,
      log: pino({ level: "silent" }),
    });

    await loader.refresh();
    const current = store.current();
    expect([...current.exact.keys()]).toEqual(["shop.test"]);
    expect([...current.wildcard.keys()]).toEqual(["apps.test"]);
    expect(current.fallback?.names).toEqual(["shop.test"]);
    expect(changes).toEqual([2]);

    const broken = createCertificateLoader({
      db: {
        certificate: { findMany: () => Promise.reject(new Error("database away")) },
      } as unknown as TestDatabase["db"],
      secretKey,
      store,
      log: pino({ level: "silent" }),
    });
    await broken.refresh();
    expect(store.current()).toBe(current);
  });

  it("leaves out a certificate whose key does not fit it and reports it", async () => {
    const [one, two] = await Promise.all([
      issueCertificate({ names: ["one.test"] }),
      issueCertificate({ names: ["two.test"] }),
    ]);
    const store = createCertificateStore();
    const rejected = store.replace([
      {
        id: "mismatched",
        names: ["one.test"],
        certificatePem: one.certificatePem,
        privateKeyPem: two.privateKeyPem,
        isDefault: false,
      },
      {
        id: "fine",
        names: ["two.test"],
        certificatePem: two.certificatePem,
        privateKeyPem: two.privateKeyPem,
        isDefault: false,
      },
    ]);
    expect(rejected.map((entry) => entry.id)).toEqual(["mismatched"]);
    expect([...store.current().exact.keys()]).toEqual(["two.test"]);
  });
});
