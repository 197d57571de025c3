// Response helpers shared by the launcher's own handlers, so that what they send
// looks like what the stock library (and Cosmos DB) sends.
import { randomUUID } from "node:crypto";

const ERROR_CODES = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  408: "RequestTimeout",
  409: "Conflict",
  410: "Gone",
  412: "PreconditionFailed",
  413: "RequestEntityTooLarge",
  424: "FailedDependency",
  429: "TooManyRequests",
  449: "RetryWith",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

export const errorCode = (status) => ERROR_CODES[status] || `Status${status}`;

export function send(res, status, body, headers = {}) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("x-ms-activity-id", randomUUID());
  res.setHeader("x-ms-request-charge", status < 400 ? "1" : "0");
  if (body && body._etag && !headers.etag) res.setHeader("etag", body._etag);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body === undefined || status === 304 ? undefined : JSON.stringify(body));
}

/** A Cosmos-shaped error: {"code": "NotFound", "message": "..."}. */
export function sendError(res, status, message, headers = {}) {
  send(res, status, { code: errorCode(status), message }, headers);
}

export async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

/**
 * The stock library answers some errors with `{}` or `{"message": ...}`; give every
 * JSON error body a Cosmos `code` too, so SDK exceptions carry the usual fields.
 */
export function shapeErrorBodies(res) {
  const end = res.end;
  res.end = function endWithCosmosError(chunk, ...rest) {
    if (res.statusCode >= 400 && typeof chunk === "string") {
      try {
        const body = JSON.parse(chunk);
        if (body && typeof body === "object" && !Array.isArray(body) && !body.code) {
          const code = errorCode(res.statusCode);
          chunk = JSON.stringify({ ...body, code, message: body.message || code });
        }
      } catch {
        // not JSON: leave it as it is
      }
    }
    return end.call(this, chunk, ...rest);
  };
}
