import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decryptPrivateKey, loadSecretKey } from "@concierge/db/certificate-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  issueCertificate,
  type IssuedCertificate,
} from "../../proxy/test/tls/support/issue-certificate.ts";
import {
  type TestApi,
  callApi,
  createUserWithToken,
  startTestApi,
} from "./support/in-process-api.ts";

let api: TestApi;
let dataDir: string;
let editor: Awaited<ReturnType<typeof createUserWithToken>>;
let viewer: Awaited<ReturnType<typeof createUserWithToken>>;
let root: IssuedCertificate;
let intermediate: IssuedCertificate;

const DAY_MS = 86_400_000;

interface Summary {
  id: string;
  names: string[];
  fingerprint: string;
  notAfter: string;
  isDefault: boolean;
  autoRenew: boolean;
  warnings: string[];
  revision?: number;
}
interface Problem {
  status: number;
  errors?: { path: string; message: string }[];
}

/** Every answer's text, to check that no private key ever leaves the server. */
const answers: string[] = [];

async function call(method: string, path: string, body?: unknown, token = editor.token) {
  const response = await callApi(method, path, { token, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  answers.push(text);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    json: JSON.parse(text || "null") as unknown,
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "concierge-certificates-"));
  process.env.CONCIERGE_DATA_DIR = dataDir;
  api = await startTestApi();
  editor = await createUserWithToken(api.database, "editor");
  viewer = await createUserWithToken(api.database, "viewer");
  root = await issueCertificate({ names: ["Test Root"], ca: true });
  intermediate = await issueCertificate({ names: ["Test Intermediate"], ca: true, issuer: root });
});

afterAll(async () => {
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("certificate upload", () => {
  it("stores a valid chain, shows names, fingerprint and expiry, and keeps the key encrypted", async () => {
    const leaf = await issueCertificate({
      names: ["shop.test", "*.shop.test"],
      issuer: intermediate,
    });
    const created = await call("POST", "/api/v1/certificates", {
      certificate: leaf.certificatePem + intermediate.certificatePem,
      privateKey: leaf.privateKeyPem,
    });
    expect(created.status).toBe(201);
    const summary = created.json as Summary;
    expect(summary).toMatchObject({
      names: ["shop.test", "*.shop.test"],
      fingerprint: new X509Certificate(leaf.certificatePem).fingerprint256,
      isDefault: false,
      warnings: [],
    });
    expect(summary.revision).toBeGreaterThanOrEqual(1);

    const listed = await call("GET", "/api/v1/certificates", undefined, viewer.token);
    expect((listed.json as Summary[]).map((entry) => entry.id)).toContain(summary.id);

    const row = await api.database.db.certificate.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.encryptedPrivateKey).toMatch(/^v1:/);
    expect(row.encryptedPrivateKey).not.toContain("PRIVATE KEY");
    const secret = await loadSecretKey({ dataDir });
    expect((await stat(join(dataDir, "secret-key"))).mode & 0o777).toBe(0o600);
    const key = createPrivateKey(decryptPrivateKey(secret, row.encryptedPrivateKey));
    expect(new X509Certificate(leaf.certificatePem).checkPrivateKey(key)).toBe(true);
  });

  it("refuses a key that does not match the certificate, naming privateKey", async () => {
    const [leaf, stranger] = await Promise.all([
      issueCertificate({ names: ["a.test"] }),
      issueCertificate({ names: ["b.test"] }),
    ]);
    const answer = await call("POST", "/api/v1/certificates", {
      certificate: leaf.certificatePem,
      privateKey: stranger.privateKeyPem,
    });
    expect(answer.status).toBe(422);
    expect(answer.type).toBe("application/problem+json");
    expect((answer.json as Problem).errors).toEqual([
      { path: "privateKey", message: expect.stringMatching(/does not match/) },
    ]);
  });

  it("refuses an expired certificate, naming certificate", async () => {
    const expired = await issueCertificate({
      names: ["old.test"],
      notBefore: new Date(Date.now() - 60 * DAY_MS),
      notAfter: new Date(Date.now() - DAY_MS),
    });
    const answer = await call("POST", "/api/v1/certificates", {
      certificate: expired.certificatePem,
      privateKey: expired.privateKeyPem,
    });
    expect(answer.status).toBe(422);
    expect((answer.json as Problem).errors).toEqual([
      { path: "certificate", message: expect.stringMatching(/^expired on/) },
    ]);
  });

  it("refuses a chain out of order, naming certificate", async () => {
    const leaf = await issueCertificate({ names: ["order.test"], issuer: intermediate });
    const issuerFirst = await call("POST", "/api/v1/certificates", {
      certificate: intermediate.certificatePem + leaf.certificatePem,
      privateKey: leaf.privateKeyPem,
    });
    expect(issuerFirst.status).toBe(422);
    expect((issuerFirst.json as Problem).errors).toEqual([
      {
        path: "certificate",
        message: expect.stringMatching(/must come first, then each issuer in order/),
      },
    ]);

    const skipsIntermediate = await call("POST", "/api/v1/certificates", {
      certificate: leaf.certificatePem + root.certificatePem,
      privateKey: leaf.privateKeyPem,
    });
    expect(skipsIntermediate.status).toBe(422);
    expect((skipsIntermediate.json as Problem).errors).toEqual([
      {
        path: "certificate",
        message: expect.stringMatching(/certificate #1 is not issued by certificate #2/),
      },
    ]);
  });

  it("refuses what is not PEM at all", async () => {
    const answer = await call("POST", "/api/v1/certificates", {
      certificate: "hello",
      privateKey: "world",
    });
    expect(answer.status).toBe(422);
    const paths = ((answer.json as Problem).errors ?? []).map((error) => error.path).sort();
    expect(paths).toEqual(["certificate", "privateKey"]);
  });

  it("warns about a certificate expiring within 14 days", async () => {
    const soon = await issueCertificate({
      names: ["soon.test"],
      notAfter: new Date(Date.now() + 5 * DAY_MS),
    });
    const answer = await call("POST", "/api/v1/certificates", {
      certificate: soon.certificatePem,
      privateKey: soon.privateKeyPem,
    });
    expect(answer.status).toBe(201);
    expect((answer.json as Summary).warnings).toEqual([
      expect.stringMatching(/^expires in [45] days$/),
    ]);
  });

  it("lets only editors upload", async () => {
    const leaf = await issueCertificate({ names: ["viewer.test"] });
    const answer = await call(
      "POST",
      "/api/v1/certificates",
      { certificate: leaf.certificatePem, privateKey: leaf.privateKeyPem },
      viewer.token,
    );
    expect(answer.status).toBe(403);
  });
});

describe("self-signed certificates and deletion", () => {
  it("generates a self-signed certificate for the hosts, the new default replacing the old one", async () => {
    const first = await call("POST", "/api/v1/certificates/self-signed", {
      hosts: ["one.test"],
      isDefault: true,
    });
    const second = await call("POST", "/api/v1/certificates/self-signed", {
      hosts: ["Two.test", "*.two.test"],
      isDefault: true,
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toMatchObject({
      names: ["two.test", "*.two.test"],
      isDefault: true,
      warnings: [],
    });
    expect(new Date((second.json as Summary).notAfter).getTime()).toBeGreaterThan(
      Date.now() + 300 * DAY_MS,
    );

    const defaults = ((await call("GET", "/api/v1/certificates")).json as Summary[]).filter(
      (entry) => entry.isDefault,
    );
    expect(defaults.map((entry) => entry.id)).toEqual([(second.json as Summary).id]);
  });

  it("refuses hosts that are not DNS names", async () => {
    const answer = await call("POST", "/api/v1/certificates/self-signed", { hosts: ["bad host"] });
    expect(answer.status).toBe(422);
    expect((answer.json as Problem).errors?.[0]?.path).toBe("hosts[0]");
  });

  it("deletes a certificate with a new revision, and 404s an unknown one", async () => {
    const created = (
      await call("POST", "/api/v1/certificates/self-signed", { hosts: ["gone.test"] })
    ).json as Summary;
    const deleted = await call("DELETE", `/api/v1/certificates/${created.id}`);
    expect(deleted.status).toBe(200);
    expect((deleted.json as { revision: number }).revision).toBeGreaterThan(created.revision ?? 0);
    const listed = (await call("GET", "/api/v1/certificates")).json as Summary[];
    expect(listed.map((entry) => entry.id)).not.toContain(created.id);
    expect((await call("DELETE", `/api/v1/certificates/${created.id}`)).status).toBe(404);
  });
});

describe("automatic renewal", () => {
  it("an editor turns it on: the row, an audit entry with before and after, and a new revision", async () => {
    const created = (
      await call("POST", "/api/v1/certificates/self-signed", { hosts: ["renew.test"] })
    ).json as Summary;
    expect(created.autoRenew).toBe(false);

    const answer = await call("PATCH", `/api/v1/certificates/${created.id}`, { autoRenew: true });
    expect(answer.status).toBe(200);
    const updated = answer.json as Summary;
    expect(updated).toMatchObject({ id: created.id, names: ["renew.test"], autoRenew: true });
    expect(updated.revision).toBeGreaterThan(created.revision ?? 0);

    const listed = (await call("GET", "/api/v1/certificates")).json as Summary[];
    expect(listed.find((entry) => entry.id === created.id)?.autoRenew).toBe(true);
    const row = await api.database.db.certificate.findUnique({ where: { id: created.id } });
    expect(row?.autoRenew).toBe(true);

    const audit = await api.database.db.auditEntry.findFirst({
      where: { action: "certificate.auto-renew", entityId: created.id },
    });
    expect(audit).toMatchObject({
      actorId: editor.id,
      entityType: "certificate",
      before: { autoRenew: false },
      after: { autoRenew: true },
      revision: updated.revision,
    });
    const revision = await api.database.db.configRevision.findUnique({
      where: { number: updated.revision ?? 0 },
    });
    expect(revision?.summary).toBe("certificate.auto-renew");

    const off = await call("PATCH", `/api/v1/certificates/${created.id}`, { autoRenew: false });
    expect(off.json).toMatchObject({ autoRenew: false });
  });

  it("records in each audit entry what the change before it left, when two editors change it at once", async () => {
    const created = (
      await call("POST", "/api/v1/certificates/self-signed", { hosts: ["concurrent-renew.test"] })
    ).json as Summary;
    const answers = await Promise.all(
      [true, true].map((autoRenew) =>
        call("PATCH", `/api/v1/certificates/${created.id}`, { autoRenew }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const audit = await api.database.db.auditEntry.findMany({
      where: { action: "certificate.auto-renew", entityId: created.id },
      orderBy: { revision: "asc" },
    });
    expect(audit.map(({ before, after }) => ({ before, after }))).toEqual([
      { before: { autoRenew: false }, after: { autoRenew: true } },
      { before: { autoRenew: true }, after: { autoRenew: true } },
    ]);
  });

  it("lets only editors change it", async () => {
    const created = (
      await call("POST", "/api/v1/certificates/self-signed", { hosts: ["viewer-renew.test"] })
    ).json as Summary;
    const answer = await call(
      "PATCH",
      `/api/v1/certificates/${created.id}`,
      { autoRenew: true },
      viewer.token,
    );
    expect(answer.status).toBe(403);
    const row = await api.database.db.certificate.findUnique({ where: { id: created.id } });
    expect(row?.autoRenew).toBe(false);
  });

  it("refuses a body that is not just a boolean autoRenew, naming the field", async () => {
    const created = (
      await call("POST", "/api/v1/certificates/self-signed", { hosts: ["bad-body.test"] })
    ).json as Summary;
    const notBoolean = await call("PATCH", `/api/v1/certificates/${created.id}`, {
      autoRenew: "yes",
    });
    expect(notBoolean.status).toBe(422);
    expect(notBoolean.type).toMatch(/^application\/problem\+json/);
    expect((notBoolean.json as Problem).errors?.map((error) => error.path)).toEqual(["autoRenew"]);

    const unknownField = await call("PATCH", `/api/v1/certificates/${created.id}`, {
      autoRenew: true,
      isDefault: true,
    });
    expect(unknownField.status).toBe(422);
    expect(JSON.stringify((unknownField.json as Problem).errors)).toContain("isDefault");
  });

  it("404s an unknown certificate", async () => {
    const answer = await call("PATCH", `/api/v1/certificates/${crypto.randomUUID()}`, {
      autoRenew: true,
    });
    expect(answer.status).toBe(404);
  });
});

describe("what leaves the server", () => {
  it("no answer above carried a private key, plain or encrypted", () => {
    expect(answers.length).toBeGreaterThan(15);
    for (const text of answers) {
      expect(text).not.toMatch(/PRIVATE KEY|encryptedPrivateKey|"v1:/);
    }
  });

  it("the secret key file holds 32 random bytes in base64", async () => {
    expect(
      Buffer.from((await readFile(join(dataDir, "secret-key"), "utf8")).trim(), "base64"),
    ).toHaveLength(32);
  });
});
