// Fixes for the stock library's document handling. Requests under
// /dbs/:db/colls/:coll/docs go through handleDocumentRequest() first; it answers
// what the stock library gets wrong and hands everything else to the stock handler.
//
// The library's in-memory store is used as it is: a Collection's `documents`
// (an Items) keeps `_data` (Map _rid -> Document, whose read() is the JSON) and
// `_index` (Map "partition:/id:id" -> _rid). Two of its methods are wrapped
// (installStoreHooks), nothing in node_modules is edited.
import { AsyncLocalStorage } from "node:async_hooks";
import { readJson, send, sendError } from "./http-util.mjs";
import { effectivePartitionKey } from "./epk.mjs";

const LSN = Symbol("last change-feed LSN of this collection");

// What the current request restricts a query to (see the query hook below).
const requestScope = new AsyncLocalStorage();

let lib; // the library modules this file needs, set by installStoreHooks()

/**
 * Wraps two methods of the library's Documents class:
 * - _set (every create, replace, upsert and patch ends there): stamps the document
 *   with a per-collection, increasing `_lsn`, which the change feed needs. It is
 *   non-enumerable, so reads and queries do not show it.
 * - query: when the request named a partition key, runs the query over that
 *   partition's documents only (the stock query ignores the partition key header).
 */
export function installStoreHooks(libraryModules) {
  lib = libraryModules;
  const proto = lib.Documents.prototype;
  const { _set: set, query } = proto;

  proto._set = function setWithLsn(data) {
    this[LSN] = (this[LSN] || 0) + 1;
    Object.defineProperty(data, "_lsn", { value: this[LSN], configurable: true });
    return set.call(this, data);
  };

  proto.query = function queryInPartition(params, options) {
    const partition = requestScope.getStore()?.partitionKey;
    if (!partition) return query.call(this, params, options);
    const paths = partitionKeyPaths(this._parent.read());
    const all = this._data;
    // query() is synchronous, so no other request can see the narrowed map.
    this._data = new Map([...all].filter(([, item]) => inPartition(item.read(), paths, partition)));
    try {
      return query.call(this, params, options);
    } finally {
      this._data = all;
    }
  };
}

/**
 * Handles a request whose path is /dbs/:db/colls/:coll/docs[/:id] (`ids` are the
 * decoded path segments). Calls `stock()` for whatever it leaves to the library.
 */
export async function handleDocumentRequest(req, res, account, ids, stock) {
  const { dbId, collId, docId } = ids;
  const collection = account.database(dbId).collection(collId);
  if (!collection.read()) {
    return sendError(res, 404, `Resource Not Found: container dbs/${dbId}/colls/${collId} does not exist.`);
  }
  expireDocuments(collection);
  const header = (name) => String(req.headers[name] ?? "");

  if (docId !== undefined) {
    if (!["GET", "PUT", "PATCH", "DELETE"].includes(req.method)) return stock();
    // Stock answers 500 (GET) or an empty-bodied 404 for a missing id: check first.
    let doc;
    try {
      doc = collection.document(docId, lib.parsePartitionKey(req.headers["x-ms-documentdb-partitionkey"], docId)).read();
    } catch {
      return sendError(res, 400, "The partition key supplied in x-ms-documentdb-partitionkey is missing or invalid.");
    }
    if (!doc) return sendError(res, 404, "Entity with the specified id does not exist in the system.");
    // Served here, not by stock, whose read compares nested partition key paths wrongly.
    if (req.method === "GET") return send(res, 200, doc);
    return stock();
  }

  if (req.method === "GET" && header("a-im")) return changeFeed(req, res, collection);
  const isQuery = /^true$/i.test(header("x-ms-documentdb-isquery")) || header("content-type") === "application/query+json";
  if (req.method === "POST" && isQuery) {
    const partitionKey = parsePartitionHeader(header("x-ms-documentdb-partitionkey"));
    if (!partitionKey) return stock();
    // A single-partition query may filter on anything: skip the stock check that
    // wants the partition key in the WHERE clause, and scope the query instead.
    req.headers["x-ms-documentdb-query-enablecrosspartition"] = "true";
    return requestScope.run({ partitionKey }, stock);
  }
  if (req.method === "POST" && /^true$/i.test(header("x-ms-cosmos-is-batch-request")) && !/^true$/i.test(header("x-ms-documentdb-is-upsert"))) {
    return batch(req, res, collection);
  }
  return stock();
}

// ---------------------------------------------------------------- partitions

function partitionKeyPaths(collectionProps) {
  const paths = collectionProps?.partitionKey?.paths || ["/id"];
  return paths.map((p) => p.slice(1).split("/"));
}

function valueAt(doc, path) {
  return path.reduce((v, key) => (v == null ? undefined : v[key]), doc);
}

/** The partition key header as an array of components, or null when it names none. */
function parsePartitionHeader(raw) {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw);
    return Array.isArray(value) ? value : [value];
  } catch {
    return null;
  }
}

/** `{}` in a partition key header stands for "undefined" (no such property). */
const isUndefinedMarker = (v) => v !== null && typeof v === "object" && Object.keys(v).length === 0;

function inPartition(doc, paths, components) {
  // A prefix of a hierarchical key selects every partition under it.
  return components.every((want, i) => {
    const have = valueAt(doc, paths[i] || []);
    return isUndefinedMarker(want) ? have === undefined : have === want;
  });
}

// ----------------------------------------------------------------------- TTL

/**
 * Deletes the collection's expired documents. TTL is on when the container has a
 * defaultTtl (-1: on, no default; N: N seconds); a document's own `ttl` (-1 or N)
 * overrides the default. A document expires `ttl` seconds after its `_ts`.
 */
export function expireDocuments(collection, nowSeconds = Date.now() / 1000) {
  const defaultTtl = collection.read()?.defaultTtl;
  if (defaultTtl === undefined || defaultTtl === null) return;
  const docs = collection.documents;
  for (const item of [...docs._data.values()]) {
    const doc = item.read();
    const ttl = Number.isInteger(doc.ttl) && doc.ttl !== 0 ? doc.ttl : defaultTtl;
    if (ttl > 0 && doc._ts + ttl <= nowSeconds) docs.delete(doc.id, docs._getPartition(doc));
  }
}

/** The periodic sweep: expires documents in every container, read or not. */
export function expireAllDocuments(account) {
  for (const database of account.databases._data.values()) {
    for (const collection of database.collections._data.values()) expireDocuments(collection);
  }
}

// --------------------------------------------------------- transactional batch

const MAX_BATCH_OPERATIONS = 100;

function runOperation(collection, op, batchPartition) {
  const { documentOperations: ops, patchOperation } = lib;
  const body = op.resourceBody;
  if (["Create", "Upsert", "Replace"].includes(op.operationType) && body && batchPartition) {
    if (!inPartition(body, partitionKeyPaths(collection.read()), batchPartition)) {
      return { statusCode: 400, body: { code: "BadRequest", message: "PartitionKey extracted from document doesn't match the one specified in the header." } };
    }
  }
  switch (op.operationType) {
    case "Create": return ops.createOperation(collection, op);
    case "Upsert": return ops.upsertOperation(collection, op);
    case "Read": return ops.readOperation(collection, op);
    case "Delete": return ops.deleteOperation(collection, op);
    case "Replace": return ops.replaceOperation(collection, op);
    case "Patch":
      return patchOperation(collection, { ...op, operations: body?.operations || [], condition: body?.condition });
    default:
      return { statusCode: 400, body: { code: "BadRequest", message: `Unknown operationType ${op.operationType}` } };
  }
}

/**
 * A transactional batch: every operation applies, or none does. The stock one
 * applies the operations before a failure, and fails with 500 on read, delete and
 * patch operations (they carry no partition key of their own; the batch's is in
 * the header). On failure the answer is 207 with the failing operation's status
 * and 424 for the others, as Cosmos answers and the SDKs expect.
 */
async function batch(req, res, collection) {
  let operations;
  try {
    operations = await readJson(req);
  } catch (err) {
    return sendError(res, 400, `The batch body is not JSON: ${err.message}`);
  }
  if (!Array.isArray(operations) || operations.length === 0 || operations.length > MAX_BATCH_OPERATIONS) {
    return sendError(res, 400, `A batch needs 1 to ${MAX_BATCH_OPERATIONS} operations.`);
  }
  const partitionHeader = req.headers["x-ms-documentdb-partitionkey"];
  const batchPartition = parsePartitionHeader(partitionHeader);
  const docs = collection.documents;
  const before = { data: new Map(docs._data), index: new Map(docs._index), ridCount: docs._ridCount };

  const results = [];
  for (const op of operations) {
    let result;
    try {
      result = runOperation(collection, { partitionKey: partitionHeader, ...op }, batchPartition);
    } catch (err) {
      result = { statusCode: 400, body: { code: "BadRequest", message: err.message } };
    }
    results.push(result);
    if (result.statusCode >= 400) break;
  }

  const failed = results.findIndex((r) => r.statusCode >= 400);
  if (failed >= 0) {
    Object.assign(docs, { _data: before.data, _index: before.index, _ridCount: before.ridCount });
    const body = operations.map((_, i) =>
      i === failed
        ? { statusCode: results[i].statusCode, requestCharge: 0, resourceBody: results[i].body }
        : { statusCode: 424, requestCharge: 0 });
    return send(res, 207, body);
  }
  return send(res, 200, results.map(({ statusCode, body }) => ({
    statusCode,
    requestCharge: 1,
    ...(body ? { eTag: body._etag, resourceBody: body } : {}),
  })));
}

// ---------------------------------------------------------------- change feed

/**
 * The latest-version change feed (`A-IM: Incremental Feed`). Its continuation is
 * the `_lsn` of the last change returned, sent back as If-None-Match; `*` means
 * "from now", and no If-None-Match means from the beginning (or from
 * If-Modified-Since). The stock feed returned every document and then, for any
 * continuation, 304 Not Modified: changes after the first page were never seen.
 */
function changeFeed(req, res, collection) {
  const h = req.headers;
  if (!/incremental feed/i.test(String(h["a-im"]))) {
    return sendError(res, 400, `This test server supports the latest-version change feed only (A-IM: ${h["a-im"]}).`);
  }
  const docs = collection.documents;
  const ifNoneMatch = h["if-none-match"];
  let after = 0;
  if (ifNoneMatch === "*") after = docs[LSN] || 0;
  else if (ifNoneMatch) after = Number(String(ifNoneMatch).replace(/"/g, "")) || 0;
  const since = h["if-modified-since"] ? Math.floor(Date.parse(h["if-modified-since"]) / 1000) : 0;

  const paths = partitionKeyPaths(collection.read());
  const partition = parsePartitionHeader(h["x-ms-documentdb-partitionkey"]);
  const epkRange = h["x-ms-start-epk"] !== undefined ? [h["x-ms-start-epk"], h["x-ms-end-epk"]] : null;
  const partitionKind = collection.read().partitionKey?.kind;

  let changes = [...docs._data.values()]
    .map((item) => item.read())
    .filter((doc) => doc._lsn > after && doc._ts >= since)
    .filter((doc) => !partition || inPartition(doc, paths, partition))
    .filter((doc) => {
      if (!epkRange) return true;
      const epk = effectivePartitionKey(paths.map((p) => valueAt(doc, p)), partitionKind);
      return epk >= epkRange[0] && epk < epkRange[1];
    })
    .sort((a, b) => a._lsn - b._lsn);
  const maxItems = parseInt(h["x-ms-max-item-count"], 10);
  if (maxItems > 0) changes = changes.slice(0, maxItems);

  if (changes.length === 0) return send(res, 304, undefined, { etag: `"${after}"` });
  const last = changes[changes.length - 1]._lsn;
  return send(
    res,
    200,
    { _rid: collection.read()._rid, Documents: changes.map((d) => ({ ...d, _lsn: d._lsn })), _count: changes.length },
    { etag: `"${last}"`, "x-ms-item-count": String(changes.length) },
  );
}
