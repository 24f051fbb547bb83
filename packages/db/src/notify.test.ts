import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../test-support/fresh-database.ts";
import { waitFor } from "../test-support/wait-for.ts";
import { CONFIG_CHANNEL } from "./config-change.ts";
import { listenForRevisions, listenToChannel } from "./notify.ts";

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

const notify = (channel: string, payload: string) =>
  client.query("SELECT pg_notify($1, $2)", [channel, payload]);

describe("listenForRevisions", () => {
  it("reconnects after its backend is terminated and still hears later revisions", async () => {
    const revisions: number[] = [];
    const changes: boolean[] = [];
    const listener = await listenForRevisions({
      url: database.url,
      onRevision: (revision) => revisions.push(revision),
      onConnectionChange: (connected) => changes.push(connected),
    });
    try {
      expect(changes).toEqual([true]);
      await notify(CONFIG_CHANNEL, "7");
      await notify(CONFIG_CHANNEL, "not-a-number");
      await waitFor(() => revisions.includes(7), { what: "revision 7" });

      const { rows } = await client.query(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
         WHERE datname = current_database() AND query = $1 AND pid <> pg_backend_pid()`,
        [`LISTEN "${CONFIG_CHANNEL}"`],
      );
      expect(rows).toEqual([{ terminated: true }]);
      await waitFor(() => changes.length >= 3, { what: "a disconnect and a reconnect" });
      expect(changes.slice(0, 3)).toEqual([true, false, true]);

      await notify(CONFIG_CHANNEL, "8");
      await waitFor(() => revisions.includes(8), { what: "revision 8 after reconnecting" });
      expect(revisions).toEqual([7, 8]);
    } finally {
      await listener.close();
    }
  });
});

describe("listenToChannel", () => {
  it("keeps retrying when the first connection fails, without throwing", async () => {
    const missing = new URL(database.url);
    missing.pathname = "/concierge_no_such_database";
    const failures: Error[] = [];
    const listener = await listenToChannel({
      url: missing.href,
      channel: "anything",
      onPayload: () => {},
      onConnectionChange: (connected, error) => {
        if (!connected && error) failures.push(error);
      },
    });
    try {
      await waitFor(() => failures.length >= 2, { what: "a retried connection" });
      expect(failures[0]?.message).toMatch(/concierge_no_such_database/);
    } finally {
      await listener.close();
    }
  });

  it("delivers payloads of its own channel only", async () => {
    const payloads: string[] = [];
    const listener = await listenToChannel({
      url: database.url,
      channel: "concierge_purge",
      onPayload: (payload) => payloads.push(payload),
    });
    try {
      await notify("concierge_other", "ignored");
      await notify("concierge_purge", "prefix:/img");
      await waitFor(() => payloads.length > 0, { what: "the purge payload" });
      expect(payloads).toEqual(["prefix:/img"]);
    } finally {
      await listener.close();
    }
  });
});
