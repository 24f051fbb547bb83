/**
 * Runs the public shared-cache conformance suite (http-tests/cache-tests) against Concierge.
 *
 *   CACHE_TESTS_DIR=/path/to/cache-tests node scripts/cache-conformance.mjs [options]
 *
 * CACHE_TESTS_DIR is a checkout of the suite (the repository, or the `http-cache-tests` npm package
 * unpacked) with its dependencies installed (`npm install` there; the client needs node-fetch).
 * The suite's origin server and Concierge both listen on 127.0.0.1 only, on free ports.
 *
 * Options:
 *   --through=cache   the cache module alone behind a minimal node:http front (default)
 *   --through=proxy   the whole proxy: createProxyRuntime + startDataListener, one route for any host
 *   --id=TEST_ID      run one test and print its exchange
 *   --json=FILE       also write the raw results (test id → true | [kind, message]) to FILE
 *
 * Prints every scored test that failed, then `passed N of M scored tests`. Scored: every test the
 * suite runs against a shared cache whose kind is not `check` (so `required` and `optimal`) and
 * whose setup did not fail. Exits 1 when the suite is missing.
 */
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { register } from "tsx/esm/api";
import { request as undiciRequest } from "undici";

const { values: args } = parseArgs({
  options: {
    through: { type: "string", default: "cache" },
    id: { type: "string" },
    json: { type: "string" },
  },
});

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

/** Where the suite keeps its engine: `test-engine/` in the repository, the top level in older releases. */
function findSuite(dir) {
  if (!dir) return undefined;
  const root = resolve(dir);
  if (!existsSync(join(root, "tests", "index.mjs"))) return undefined;
  for (const engine of [join(root, "test-engine"), root]) {
    if (existsSync(join(engine, "client", "runner.mjs")) && existsSync(join(engine, "server", "handle-test.mjs"))) {
      return { root, engine };
    }
  }
  return undefined;
}

function listen(server) {
  return new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolveListen(server.address().port));
  });
}

function close(server) {
  server.closeAllConnections();
  return new Promise((resolveClose) => server.close(() => resolveClose()));
}

/** The suite's own server, with its own handlers, bound to loopback. */
async function startSuiteServer(engine) {
  const load = (name) => import(pathToFileURL(join(engine, "server", name)).href).then((m) => m.default);
  const [handleConfig, handleTest, handleState] = await Promise.all([
    load("handle-config.mjs"),
    load("handle-test.mjs"),
    load("handle-state.mjs"),
  ]);
  const server = createServer((request, response) => {
    const segments = new URL(request.url, "http://127.0.0.1/").pathname.split("/");
    segments.shift();
    const dispatch = segments.shift();
    if (dispatch === "config") handleConfig(segments, request, response);
    else if (dispatch === "test") handleTest(segments, request, response);
    else if (dispatch === "state") handleState(segments, request, response);
    else {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found\n");
    }
  });
  return { server, port: await listen(server) };
}

/** As the proxy's guard and upstream stages do: hop-by-hop fields, and those Connection names. */
function withoutHopByHop(headers) {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase()),
  );
  const kept = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && !named.has(name) && value !== undefined) kept[name] = value;
  }
  return kept;
}

/** The cache module alone: what the pipeline hands it, with undici as the upstream. */
async function startCacheFront(originPort) {
  const { createHttpCache } = await import("../apps/proxy/src/cache/http-cache.ts");
  const { CacheRuleSchema } = await import("../packages/config/src/cache-rule.ts");
  const cache = createHttpCache({ maxBytes: 64 * 1024 * 1024 });
  const rule = CacheRuleSchema.parse({ enabled: true });

  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://placeholder/");
    const headers = withoutHopByHop(req.headers);
    const request = {
      method: req.method,
      scheme: "http",
      host: (req.headers.host ?? "").toLowerCase(),
      path: url.pathname,
      query: url.search.slice(1),
      headers,
      rule,
      routeId: "conformance",
    };
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const fetchOrigin = async ({ method, headers: upstreamHeaders }) => {
      const response = await undiciRequest(`http://127.0.0.1:${originPort}${req.url}`, {
        method,
        headers: upstreamHeaders,
        body: hasBody && method === req.method ? req : undefined,
      });
      return { statusCode: response.statusCode, headers: withoutHopByHop(response.headers), body: response.body };
    };
    Promise.resolve(cache.serve(request, fetchOrigin)).then(
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        if (answer.body === null) res.end();
        else if (Buffer.isBuffer(answer.body)) res.end(answer.body);
        else pipeline(answer.body, res, () => {});
      },
      () => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end("origin failed\n");
      },
    );
  });
  return { port: await listen(server), stop: () => close(server) };
}

/** The whole proxy, configured with one route for any host whose pool is the suite's server. */
async function startProxy(originPort) {
  const { createProxyRuntime, startDataListener } = await import("../apps/proxy/src/runtime.ts");
  const { ConfigSnapshotSchema } = await import("../packages/config/src/snapshot.ts");
  const { pino } = await import("pino");
  const log = pino({ level: "silent" });
  const runtime = createProxyRuntime({
    log,
    pseudonym: "concierge-conformance",
    cacheMaxBytes: 64 * 1024 * 1024,
    trustedProxies: [],
  });
  const poolId = "00000000-0000-4000-8000-000000000001";
  runtime.apply(
    ConfigSnapshotSchema.parse({
      pools: [
        {
          id: poolId,
          name: "cache-tests",
          healthCheck: { enabled: false },
          // Some tests cut the connection on purpose: that must not eject the only target.
          passiveEjection: { consecutiveFailures: 1000 },
          targets: [{ id: "00000000-0000-4000-8000-000000000002", url: `http://127.0.0.1:${originPort}` }],
        },
      ],
      routes: [
        {
          id: "00000000-0000-4000-8000-000000000003",
          name: "everything",
          hosts: ["*"],
          poolId,
          cache: { enabled: true },
        },
      ],
    }),
    1,
  );
  const listener = await startDataListener({ port: 0, host: "127.0.0.1", runtime, log });
  return {
    port: listener.port,
    async stop() {
      await listener.drain(1_000);
      await runtime.close();
    },
  };
}

function selectTests(suites, testId) {
  if (!testId) return suites;
  for (const suite of suites) {
    const test = suite.tests.find((candidate) => candidate.id === testId);
    if (test) return [{ ...suite, tests: [{ ...test, dump: true }] }];
  }
  throw new Error(`no test has id ${testId}`);
}

function score(suites, results) {
  const failures = [];
  let passed = 0;
  let scored = 0;
  for (const test of suites.flatMap((suite) => suite.tests)) {
    if (test.kind === "check" || test.browser_only === true) continue;
    const result = results[test.id];
    if (result === undefined || (Array.isArray(result) && result[0] === "Setup")) continue;
    scored += 1;
    if (result === true) passed += 1;
    else failures.push(`${test.id} (${test.kind ?? "required"}): ${Array.isArray(result) ? result[1] : result}`);
  }
  return { passed, scored, failures };
}

async function main() {
  const suite = findSuite(process.env.CACHE_TESTS_DIR);
  if (!suite) {
    console.error(
      "The cache conformance suite was not found. Set CACHE_TESTS_DIR to a checkout of " +
        "https://github.com/http-tests/cache-tests (or the unpacked `http-cache-tests` npm package) " +
        "with `npm install` run in it.",
    );
    process.exit(1);
  }
  const suiteRequire = createRequire(join(suite.root, "package.json"));
  let fetch;
  try {
    fetch = (await import(pathToFileURL(suiteRequire.resolve("node-fetch")).href)).default;
  } catch {
    console.error(`node-fetch is not installed in ${suite.root}: run \`npm install\` there first.`);
    process.exit(1);
  }

  register();
  const { default: suites } = await import(pathToFileURL(join(suite.root, "tests", "index.mjs")).href);
  // Older releases list Surrogate-Control apart, and their CLI adds it.
  const surrogatePath = join(suite.root, "tests", "surrogate-control.mjs");
  if (!suites.some((s) => s.id === "surrogate-control") && existsSync(surrogatePath)) {
    suites.push((await import(pathToFileURL(surrogatePath).href)).default);
  }
  const { runTests, getResults } = await import(pathToFileURL(join(suite.engine, "client", "runner.mjs")).href);

  // A crash of the proxy would end the run; count such errors instead and report them.
  const uncaught = [];
  process.on("uncaughtException", (error) => uncaught.push(error));

  const origin = await startSuiteServer(suite.engine);
  const front = args.through === "proxy" ? await startProxy(origin.port) : await startCacheFront(origin.port);
  try {
    await runTests(selectTests(suites, args.id), fetch, false, `http://127.0.0.1:${front.port}`);
  } finally {
    await front.stop();
    await close(origin.server);
  }

  const results = getResults();
  if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
  const { passed, scored, failures } = score(suites, results);
  for (const failure of failures) console.log(`FAIL ${failure}`);
  for (const error of uncaught) console.log(`UNCAUGHT ${error.stack?.split("\n").slice(0, 3).join(" | ")}`);
  console.log(`passed ${passed} of ${scored} scored tests (through the ${args.through === "proxy" ? "proxy" : "cache"})`);
}

await main();
