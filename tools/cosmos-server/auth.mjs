// Cosmos DB master-key authorization, checked the way the service does it, so
// that a client configured with the wrong key fails here as it would in Azure
// (the stock library accepts any `authorization` header, or none).
//
// The client signs, with HMAC-SHA256 keyed by the base64-decoded master key:
//   `${verb}\n${resourceType}\n${resourceLink}\n${x-ms-date}\n${date}\n`
// (verb, resourceType and the dates lowercased; the link as is) and sends
// `authorization: <url-encoded "type=master&ver=1.0&sig=<base64 signature>">`.
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Splits a request path ("/dbs/db1/colls/c1/docs") into the resource type and
 * resource link that a Cosmos request signs: a path with an even number of
 * segments names one resource (type = second to last segment, link = the whole
 * path); an odd number names a feed (type = last segment, link = its parent).
 */
export function resourceOf(pathname) {
  const segments = pathname.split("/").filter(Boolean);
  if (segments.length === 0) return { resourceType: "", segments, link: [] };
  if (segments.length % 2 === 0) {
    return { resourceType: segments[segments.length - 2], segments, link: segments };
  }
  return { resourceType: segments[segments.length - 1], segments, link: segments.slice(0, -1) };
}

function parseToken(header) {
  let decoded;
  try {
    decoded = decodeURIComponent(header);
  } catch {
    return {};
  }
  // Not URLSearchParams: it would turn the '+' of a base64 signature into a space.
  return Object.fromEntries(
    decoded.split("&").map((part) => {
      const i = part.indexOf("=");
      return i < 0 ? [part, ""] : [part.slice(0, i), part.slice(i + 1)];
    }),
  );
}

function sign(masterKey, text) {
  return createHmac("sha256", Buffer.from(masterKey, "base64")).update(text, "utf8").digest();
}

/**
 * Returns null when the request carries a valid master-key signature for
 * `masterKey`, else a message saying why it is refused.
 */
export function checkMasterKeyAuth(req, pathname, masterKey) {
  const header = req.headers.authorization;
  if (!header) return "Required Header authorization is missing.";
  const token = parseToken(header);
  if (token.type !== "master" || !token.sig) {
    return "This test server accepts master-key authorization only (type=master).";
  }
  const date = req.headers["x-ms-date"] || "";
  const httpDate = req.headers.date || "";
  if (!date && !httpDate) return "Required Header x-ms-date is missing.";

  const given = Buffer.from(token.sig, "base64");
  const { resourceType, link } = resourceOf(pathname);
  // SDKs sign names unescaped; ids given as _rid are signed lowercased.
  const decodedLink = link.map((s) => safeDecode(s)).join("/");
  const candidates = new Set([decodedLink, link.join("/"), decodedLink.toLowerCase()]);
  for (const resourceLink of candidates) {
    const text = [
      req.method.toLowerCase(),
      resourceType.toLowerCase(),
      resourceLink,
      date.toLowerCase(),
      httpDate.toLowerCase(),
      "",
    ].join("\n");
    const expected = sign(masterKey, text);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  }
  return (
    "The input authorization token can't serve the request. The wrong key is being used " +
    "or the expected payload is not built as per the protocol."
  );
}

function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
