import fc from "fast-check";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";

import { createProxyRuntime } from "../../src/runtime.ts";
import { formatIssues, formatPath } from "@concierge/config/format-issues";
import { ConfigSnapshotSchema } from "@concierge/config/snapshot";

// Bounded and reproducible: a failure prints the seed and the shrunk counterexample; change SEED to explore further.
const SEED = 20_261_125;
const RUNS = { numRuns: 300, seed: SEED, endOnFailure: true } as const;

const POOL_ID = "0b6f3c0e-8d53-4c55-a1e4-7f3ab0c6b9a1";

/** A valid input with every optional family present, so each field can be mutated. */
const BASE = {
  pools: [
    {
      id: POOL_ID,
      name: "shop",
      algorithm: "consistent_hash",
      hashKey: { source: "header", name: "x-user" },
      stickyCookie: { name: "sticky", ttlSeconds: 60 },
      healthCheck: {
        enabled: false,
        path: "/health",
        intervalMs: 1000,
        timeoutMs: 500,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      passiveEjection: { consecutiveFailures: 5, baseEjectionMs: 1000, maxEjectionMs: 10_000 },
      retry: { attempts: 1, budgetPercent: 20 },
      timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 2000 },
      maxConnectionsPerTarget: 8,
      targets: [
        {
          id: "7d3c1f1e-5b1a-4a51-9d7e-2f0c7e3b9a10",
          url: "http://127.0.0.1:9",
          weight: 2,
          enabled: true,
          draining: false,
        },
        {
          id: "8e4d2a2f-6c2b-4b62-8e8f-3a1d8f4c0b21",
          url: "http://127.0.0.1:10",
          weight: 1,
          enabled: true,
          draining: false,
        },
      ],
    },
  ],
  routes: [
    {
      id: "11111111-1111-4111-8111-111111111111",
      name: "api",
      hosts: ["shop.example", "*.example"],
      pathPrefix: "/api",
      methods: ["GET", "POST"],
      priority: 1,
      poolId: POOL_ID,
      stripPrefix: true,
      requestHeaders: { set: { "x-env": "prod" }, remove: ["x-debug"] },
      responseHeaders: { set: {}, remove: ["server"] },
      maxBodyBytes: 1024,
    },
    { id: "22222222-2222-4222-8222-222222222222", name: "site", hosts: ["*"], poolId: POOL_ID },
  ],
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Segment = string | number;

/** Every path to a value in `value`, objects and arrays included. */
function pathsOf(value: unknown, prefix: Segment[] = []): Segment[][] {
  const out: Segment[][] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value))
    value.forEach((item, index) => out.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  }
  return out;
}

function fieldNames(value: unknown): Set<string> {
  return new Set(
    pathsOf(value).flatMap((path) =>
      path.filter((part): part is string => typeof part === "string"),
    ),
  );
}

/** Field names of a fully defaulted snapshot: the names a problem line may use. */
const KNOWN_FIELDS = fieldNames(ConfigSnapshotSchema.parse(BASE));

function resolve(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== "object" || !(String(part) in current))
      return { found: false, value: undefined };
    current = (current as Record<string, unknown>)[String(part)];
  }
  return { found: true, value: current };
}

/**
 * Each problem line starts with the path of the issue; the path leads through the input to an
 * existing parent, and names fields the schema knows (or keys the caller sent, e.g. header names).
 */
function assertProblemsNameRealFields(
  input: unknown,
  issues: readonly { path: readonly PropertyKey[] }[],
  lines: string[],
): void {
  expect(lines).toHaveLength(issues.length);
  const sentKeys = fieldNames(input);
  issues.forEach((issue, index) => {
    const line = lines[index] ?? "";
    const where = formatPath(issue.path);
    if (where !== "") expect(line.startsWith(`${where}: `), line).toBe(true);
    expect(resolve(input, issue.path.slice(0, -1)).found, line).toBe(true);
    for (const part of issue.path) {
      if (typeof part === "string")
        expect(KNOWN_FIELDS.has(part) || sentKeys.has(part), `${line} names "${part}"`).toBe(true);
    }
  });
}

const runtime = createProxyRuntime({
  log: pino({ level: "silent" }),
  pseudonym: "concierge-fuzz",
  cacheMaxBytes: 1_000_000,
  trustedProxies: [],
});
let revision = 0;
afterAll(() => runtime.close());

/** Validation passing means the proxy can serve it: the compile step must not throw. */
function assertCompiles(input: unknown): void {
  const parsed = ConfigSnapshotSchema.parse(input);
  revision += 1;
  expect(() => runtime.apply(parsed, revision)).not.toThrow();
}

function withValueAt(
  root: unknown,
  path: readonly Segment[],
  replacement: { value: Json } | "delete",
): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  const parent = resolve(copy, path.slice(0, -1)).value as Record<string, unknown> | unknown[];
  const last = path[path.length - 1] as Segment;
  if (replacement !== "delete") (parent as Record<Segment, unknown>)[last] = replacement.value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

const BASE_PATHS = pathsOf(BASE);

/** Values a careless form or script sends: wrong types, edge numbers, hostile strings. */
const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    -1,
    0,
    1.5,
    1e308,
    -1e308,
    2 ** 53,
    "",
    " ",
    "*",
    "/",
    "/..",
    "/%2e%2e",
    "/a b",
    "\u0000",
    "a\r\nb: c",
    "ftp://127.0.0.1/",
    "http://user:pw@127.0.0.1:1",
    "http://127.0.0.1:1/?q",
    "http://[::1]:80",
    "javascript:alert(1)",
    "00000000-0000-0000-0000-000000000000",
    "GET",
    "CONNECT",
    [],
    {},
    [null],
    { extra: 1 },
  ),
);

describe("ConfigSnapshotSchema under random input", () => {
  it("never throws on arbitrary JSON, and every problem names where it is", () => {
    const anyShape = fc.oneof(
      fc.jsonValue(),
      fc.record({
        pools: fc.array(fc.jsonValue(), { maxLength: 3 }),
        routes: fc.array(fc.jsonValue(), { maxLength: 3 }),
      }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 }),
    );
    fc.assert(
      fc.property(anyShape, (input) => {
        const parsed = ConfigSnapshotSchema.safeParse(input);
        if (parsed.success) assertCompiles(input);
        else
          assertProblemsNameRealFields(
            input,
            parsed.error.issues,
            formatIssues(parsed.error.issues),
          );
      }),
      RUNS,
    );
  });

  it("pins a one-field mutation of a valid snapshot to that field, or compiles it", () => {
    expect(ConfigSnapshotSchema.safeParse(BASE).success).toBe(true);
    const mutation = fc.record({
      path: fc.constantFrom(...BASE_PATHS),
      change: fc.oneof(
        nastyValue.map((value) => ({ value })),
        fc.constant("delete" as const),
      ),
    });
    fc.assert(
      fc.property(mutation, ({ path, change }) => {
        const input = withValueAt(BASE, path, change);
        const parsed = ConfigSnapshotSchema.safeParse(input);
        if (parsed.success) {
          assertCompiles(input);
          return;
        }
        const lines = formatIssues(parsed.error.issues);
        assertProblemsNameRealFields(input, parsed.error.issues, lines);
        // The problem lies at the object that was changed, or at a reference to it (a pool id).
        const owner = formatPath(path.slice(0, 2));
        expect(
          lines.some(
            (line) =>
              line.startsWith(owner) ||
              /^routes\[\d+\]\.poolId: /.test(line) ||
              /^routes\[\d+\]: duplicates/.test(line),
          ),
          `${formatPath(path)} → ${lines.join(" | ")}`,
        ).toBe(true);
      }),
      RUNS,
    );
  });

  it("reports an unknown key at the object that carries it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...BASE_PATHS.filter((path) => resolve(BASE, path).value?.constructor === Object),
        ),
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter((key) => !KNOWN_FIELDS.has(key) && key !== "__proto__"),
        (path, key) => {
          const parent = resolve(BASE, path).value as Record<string, unknown>;
          const input = withValueAt(BASE, path, {
            value: { ...(parent as Record<string, Json>), [key]: 1 },
          });
          const parsed = ConfigSnapshotSchema.safeParse(input);
          const where = formatPath(path);
          // Header rule maps take any valid header name as a key.
          if (parsed.success) {
            expect(where).toMatch(/Headers\.set$/);
            return;
          }
          expect(formatIssues(parsed.error.issues).some((line) => line.startsWith(where))).toBe(
            true,
          );
        },
      ),
      RUNS,
    );
  });
});
