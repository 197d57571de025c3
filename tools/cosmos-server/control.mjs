// Test-only state of the launcher: fault injection and request counters, and the
// /_test/... endpoints that drive them (see the top of server.mjs).
import { readJson, send, sendError } from "./http-util.mjs";

// What Cosmos DB sends with these statuses; 3200 is "request rate too large".
const FAULT_DEFAULTS = {
  429: {
    substatus: 3200,
    retryAfterMs: 100,
    message:
      "Message: {\"Errors\":[\"Request rate is large. More Request Units may be needed, so no changes were made. " +
      "Please retry this request later. Learn more: http://aka.ms/cosmosdb-error-429\"]}",
  },
  503: { message: "Service is currently unavailable. More info: https://aka.ms/cosmosdb-tsg-service-unavailable" },
};

export class Faults {
  constructor() {
    this.reset();
  }

  reset() {
    this.pending = null; // { status, remaining, retryAfterMs, substatus }
  }

  set({ status, count = 1, retryAfterMs, substatus }) {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error("status must be an HTTP error status (400-599)");
    if (!Number.isInteger(count) || count < 1) throw new Error("count must be a positive integer");
    const defaults = FAULT_DEFAULTS[status] || {};
    this.pending = {
      status,
      remaining: count,
      retryAfterMs: retryAfterMs ?? defaults.retryAfterMs,
      substatus: substatus ?? defaults.substatus,
    };
  }

  /** If a fault is pending, answers the request with it and returns true. */
  answer(res) {
    const fault = this.pending;
    if (!fault) return false;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.pending = null;
    const headers = {};
    if (fault.retryAfterMs !== undefined) headers["x-ms-retry-after-ms"] = String(fault.retryAfterMs);
    if (fault.substatus !== undefined) headers["x-ms-substatus"] = String(fault.substatus);
    const message = FAULT_DEFAULTS[fault.status]?.message || `Injected fault ${fault.status}`;
    sendError(res, fault.status, message, headers);
    return true;
  }

  toJSON() {
    return this.pending && { ...this.pending };
  }
}

export class Stats {
  constructor() {
    this.reset();
  }

  reset() {
    Object.assign(this, {
      total: 0,
      byVerb: {},
      byResource: {},
      byVerbResource: {},
      faulted: 0,
      unauthorized: 0,
      connections: 0, // connections that carried requests: shows whether clients keep them alive
    });
  }

  record(method, resourceType) {
    const resource = resourceType || "account";
    const bump = (map, key) => { map[key] = (map[key] || 0) + 1; };
    this.total += 1;
    bump(this.byVerb, method);
    bump(this.byResource, resource);
    bump(this.byVerbResource, `${method} ${resource}`);
  }
}

/**
 * Creates `documents` in an existing container as the stock create does (the same store call:
 * _rid, _self, _etag, _ts added; a duplicate id in its partition is a conflict, skipped), one
 * request for thousands of documents. For benchmarks that need millions of documents: the SDK
 * path sends one request each, and every document request sweeps its container for TTL first.
 */
function bulkCreate(account, body) {
  const { database, container, documents } = body || {};
  if (!Array.isArray(documents)) throw new Error("documents must be an array");
  const collection = account?.database(String(database)).collection(String(container));
  if (!collection?.read()) throw new Error(`no container dbs/${database}/colls/${container}`);
  let created = 0;
  let conflicts = 0;
  for (const doc of documents) {
    if (!doc || typeof doc.id !== "string") throw new Error("every document needs a string id");
    try {
      collection.documents.create(doc);
      created += 1;
    } catch (err) {
      if (!err.conflict) throw err;
      conflicts += 1;
    }
  }
  return { created, conflicts };
}

/** Answers a /_test/... request. `clearData` drops every database; `account()` is the store. */
export async function handleControl(req, res, pathname, { faults, stats, clearData, account }) {
  const route = `${req.method} ${pathname.replace(/\/+$/, "")}`;
  try {
    switch (route) {
      case "POST /_test/faults":
        faults.set((await readJson(req)) || {});
        return send(res, 200, { faults: faults.toJSON() });
      case "DELETE /_test/faults":
        faults.reset();
        return send(res, 200, { faults: null });
      case "GET /_test/faults":
        return send(res, 200, { faults: faults.toJSON() });
      case "GET /_test/stats":
        return send(res, 200, stats);
      case "POST /_test/stats/reset":
        stats.reset();
        return send(res, 200, stats);
      case "POST /_test/bulk":
        return send(res, 200, bulkCreate(account?.(), await readJson(req)));
      case "DELETE /_test/data":
        clearData();
        return send(res, 200, { cleared: true });
      default:
        return sendError(res, 404, `No test endpoint ${route}`);
    }
  } catch (err) {
    return sendError(res, 400, err.message);
  }
}
