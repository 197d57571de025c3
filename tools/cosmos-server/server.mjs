#!/usr/bin/env node
/**
 * Local Cosmos DB test server: the npm package @vercel/cosmosdb-server (1.0.1), an
 * in-memory implementation of the Cosmos DB REST API, created through its library
 * API and wrapped to fix what it gets wrong. Nothing is kept on disk but the cert.
 *
 *   node tools/cosmos-server/server.mjs [--port N] [--cert-out PATH] [--key KEY]
 *        [--no-auth] [--stock] [--log-requests] [--exit-with-stdin]
 *
 *   --port N           port on 127.0.0.1 (only loopback, ever); 0 = a free one (default)
 *   --cert-out PATH    write the self-signed certificate (PEM; SAN IP:127.0.0.1,
 *                      DNS:localhost) there, e.g. to add it to a CA bundle
 *   --key KEY          master key that clients must sign with (default: the
 *                      well-known Cosmos DB emulator key, EMULATOR_KEY below)
 *   --no-auth          accept any authorization header
 *   --stock            serve the library unfixed (no fixes, no auth check, no
 *                      keep-alive; the /_test endpoints stay): shows what the fixes fix
 *   --log-requests     one line per request on stderr
 *   --exit-with-stdin  exit when stdin closes (so a test runner's child dies with it)
 *
 * When ready it prints one JSON line on stdout, and logs only to stderr:
 *   {"endpoint":"https://127.0.0.1:PORT/","key":"...","cert":"PATH"}
 *
 * Fixed, compared with the stock library (see documents.mjs):
 *   - HTTP keep-alive (stock closes the connection after every response);
 *   - master-key signatures are checked: a wrong key gets 401 {"code":"Unauthorized"};
 *   - a query with a partition key header returns only that partition's documents
 *     (stock ignores the header; cross-partition queries still see everything);
 *   - read/replace/patch/delete of a missing id: 404 {"code":"NotFound"} (stock: 500
 *     or an empty body), so SDKs raise their not-found error;
 *   - TTL: container defaultTtl (-1 or N seconds) and per-document ttl; expired
 *     documents vanish lazily on access and in a sweep every second;
 *   - transactional batch: all-or-nothing, with patch, read and delete operations;
 *   - change feed: continuations, start from now, point in time, and per partition key;
 *   - every error body carries a Cosmos "code".
 *
 * Test endpoints (paths no SDK uses; no auth needed):
 *   POST   /_test/faults {"status": 429, "count": 3, "retryAfterMs": 50, "substatus": 3200}
 *          the next `count` ordinary requests answer `status` with a Cosmos error body;
 *          for 429, x-ms-retry-after-ms (default 100) and x-ms-substatus (default 3200)
 *          are sent as Cosmos sends them. Faults apply after the auth check, to any
 *          request (account reads too), and replace a fault still pending.
 *   GET    /_test/faults        the pending fault, or null
 *   DELETE /_test/faults        cancel the pending fault
 *   GET    /_test/stats         {"total", "byVerb": {"GET": n}, "byResource": {"docs": n},
 *                                "byVerbResource": {"POST docs": n}, "faulted",
 *                                "unauthorized", "connections"}: requests since the
 *                                last reset (faulted and refused ones included) and
 *                                the new connections that carried them
 *   POST   /_test/stats/reset   zero the counters
 *   DELETE /_test/data          drop every database
 *   POST   /_test/bulk {"database", "container", "documents": [...]}  create many documents
 *                                in one request, as the stock create does (benchmarks);
 *                                answers {"created", "conflicts"}
 */
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { checkMasterKeyAuth, resourceOf } from "./auth.mjs";
import { Faults, Stats, handleControl } from "./control.mjs";
import { expireAllDocuments, handleDocumentRequest, installStoreHooks } from "./documents.mjs";
import { sendError, shapeErrorBodies } from "./http-util.mjs";
import { createSelfSignedCert } from "./tls-cert.mjs";

export const EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
const HOST = "127.0.0.1";
const TTL_SWEEP_MS = 1000;

const log = (...args) => console.error("[cosmos-server]", ...args);

function loadLibrary() {
  const require = createRequire(import.meta.url);
  const load = (path) => require(`@vercel/cosmosdb-server${path}`);
  try {
    return {
      createHttpsServer: load("").createHttpsServer,
      accountModule: load("/lib/account"),
      Documents: load("/lib/account/documents").default,
      documentOperations: load("/lib/handler/_document-operations"),
      patchOperation: load("/lib/handler/_patch-operations").patchOperation,
      parsePartitionKey: load("/lib/utils/get-partition-from-header").parsePartitionKey,
    };
  } catch (err) {
    log(`cannot load @vercel/cosmosdb-server (${err.message}). Run \`npm ci\` at the repository root.`);
    process.exit(2);
  }
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      "cert-out": { type: "string" },
      key: { type: "string", default: EMULATOR_KEY },
      "no-auth": { type: "boolean", default: false },
      stock: { type: "boolean", default: false },
      "log-requests": { type: "boolean", default: false },
      "exit-with-stdin": { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
  if (Buffer.from(values.key, "base64").toString("base64") !== values.key) {
    throw new Error("--key must be base64, like a Cosmos DB account key");
  }
  return { ...values, port };
}

/** "/dbs/a/colls/b/docs/c" -> { dbId, collId, docId } when it addresses documents. */
function documentIds(segments) {
  let decoded;
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return null; // malformed escapes: let the library answer
  }
  const [dbs, dbId, colls, collId, docs, docId, ...rest] = decoded;
  if (dbs !== "dbs" || colls !== "colls" || docs !== "docs" || rest.length) return null;
  return { dbId, collId, docId };
}

function main() {
  const options = parseOptions();
  const lib = loadLibrary();
  const { cert, key } = createSelfSignedCert();
  if (options["cert-out"]) writeFileSync(options["cert-out"], cert);

  // The library builds its Account (the in-memory store) when the server starts
  // listening and keeps it to itself; catch it as it is made, to reach the store.
  let account;
  const { default: Account } = lib.accountModule;
  lib.accountModule.default = class extends Account {
    constructor(...args) {
      super(...args);
      account = this;
    }
  };

  const stock = options.stock; // the library's own behaviour, to compare with
  // keepAlive: the library's own switch, off by default ("connection: close").
  const server = lib.createHttpsServer({ cert, key, keepAlive: !stock });
  // Longer than clients keep idle connections (aiohttp: 15 s), so a client never
  // reuses a connection that the server is closing.
  server.keepAliveTimeout = 120_000;

  const faults = new Faults();
  const stats = new Stats();
  const countedSockets = new WeakSet();

  if (!stock) installStoreHooks(lib);
  const [stockHandler] = server.listeners("request");
  server.removeAllListeners("request");
  const clearData = () => {
    for (const db of [...account.databases._data.values()]) account.databases.delete(db.read().id, db.read().id);
  };

  server.on("request", (req, res) => {
    const started = Date.now();
    if (options["log-requests"]) {
      res.on("finish", () => log(`${req.method} ${req.url} -> ${res.statusCode} (${Date.now() - started} ms)`));
    }
    // Same normalisation as the library's router: "//dbs/x/" is "/dbs/x".
    const pathname = `/${req.url.split("?")[0].split("/").filter(Boolean).join("/")}`;
    if (pathname === "/_test" || pathname.startsWith("/_test/")) {
      return handleControl(req, res, pathname, { faults, stats, clearData, account: () => account });
    }

    const { resourceType, segments } = resourceOf(pathname);
    stats.record(req.method, resourceType);
    if (!countedSockets.has(req.socket)) {
      countedSockets.add(req.socket); // connections that carried SDK requests, not /_test ones
      stats.connections += 1;
    }
    if (!stock && !options["no-auth"]) {
      const refusal = checkMasterKeyAuth(req, pathname, options.key);
      if (refusal) {
        stats.unauthorized += 1;
        req.resume();
        return sendError(res, 401, refusal);
      }
    }
    if (faults.answer(res)) {
      stats.faulted += 1;
      req.resume();
      return undefined;
    }

    const toStock = () => stockHandler(req, res);
    if (stock) return toStock();
    shapeErrorBodies(res);
    const ids = documentIds(segments);
    if (!ids) return toStock();
    return handleDocumentRequest(req, res, account, ids, toStock).catch((err) => {
      log(err);
      if (!res.headersSent) sendError(res, 500, err.message);
    });
  });

  if (!stock) {
    setInterval(() => {
      try {
        if (account) expireAllDocuments(account);
      } catch (err) {
        log(`TTL sweep failed: ${err?.stack ?? err}`); // next second's sweep tries again
      }
    }, TTL_SWEEP_MS).unref();
  }
  // One bad request must not take the whole test session's server down with it (Node ends
  // the process on an uncaught error): log it loudly, answer what can be answered, go on.
  process.on("uncaughtException", (err) => log(`uncaught: ${err?.stack ?? err}`));
  process.on("unhandledRejection", (err) => log(`unhandled rejection: ${err?.stack ?? err}`));

  server.listen(options.port, HOST, () => {
    const { port } = server.address();
    const ready = { endpoint: `https://${HOST}:${port}/`, key: options.key, cert: options["cert-out"] ?? null };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
    log(`listening on ${ready.endpoint}${stock ? " (stock library, no fixes)" : ""}`);
  });

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  if (options["exit-with-stdin"]) {
    process.stdin.on("end", shutdown).on("error", shutdown).resume();
  }
}

main();
