// Self-signed TLS certificate for the local Cosmos test server, made with node's
// crypto alone: no npm dependency and no `openssl` binary. The key is ECDSA P-256
// (generated in about a millisecond, unlike RSA), and the certificate is a minimal
// X.509 v3 with the SAN entries a client checks: IP 127.0.0.1 and DNS localhost.
// It is also marked as a CA so that it can be appended to a CA bundle as-is.
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

// --- a tiny DER (ASN.1) writer: just the types an X.509 certificate needs ---

function derLength(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag, ...parts) {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const seq = (...parts) => tlv(0x30, ...parts);
const set = (...parts) => tlv(0x31, ...parts);
const utf8 = (s) => tlv(0x0c, Buffer.from(s, "utf8"));
const octets = (buf) => tlv(0x04, buf);
const bool = (b) => tlv(0x01, Buffer.from([b ? 0xff : 0]));
const explicit = (n, inner) => tlv(0xa0 | n, inner); // [n] EXPLICIT
const bitString = (buf) => tlv(0x03, Buffer.from([0]), buf); // 0 unused bits

function integer(buf) {
  // DER integers are minimal: no leading zero byte unless the next has its high bit set
  // (OpenSSL refuses "illegal padding" otherwise — a random serial starting 0x00 did that,
  // about one certificate in 256). And signed: keep a positive value positive.
  let start = 0;
  while (start < buf.length - 1 && buf[start] === 0 && !(buf[start + 1] & 0x80)) start++;
  const minimal = buf.subarray(start);
  return tlv(0x02, minimal[0] & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function oid(dotted) {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date) {
  // UTCTime YYMMDDHHMMSSZ (valid for years before 2050).
  const s = date.toISOString().replace(/[-:T]/g, "").slice(2, 14);
  return tlv(0x17, Buffer.from(`${s}Z`, "ascii"));
}

const OID = {
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
};

function extension(id, critical, value) {
  return seq(oid(OID[id]), ...(critical ? [bool(true)] : []), octets(value));
}

/**
 * Returns { cert, key } as PEM strings: a self-signed certificate for
 * `commonName`, valid for `days`, whose SAN lists the given DNS names and IPv4s.
 */
export function createSelfSignedCert({
  commonName = "cosmos-test-server",
  dnsNames = ["localhost"],
  ipAddresses = ["127.0.0.1"],
  days = 30,
} = {}) {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const name = seq(set(seq(oid(OID.commonName), utf8(commonName))));
  const notBefore = new Date(Date.now() - 60 * 60 * 1000); // tolerate clock skew
  const notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  const sigAlg = seq(oid(OID.ecdsaWithSHA256));

  const altNames = seq(
    ...dnsNames.map((d) => tlv(0x82, Buffer.from(d, "ascii"))), // [2] dNSName
    ...ipAddresses.map((ip) => tlv(0x87, Buffer.from(ip.split(".").map(Number)))), // [7] iPAddress
  );
  const extensions = seq(
    extension("basicConstraints", true, seq(bool(true))), // CA:TRUE, so it can sit in a CA bundle
    extension("keyUsage", true, tlv(0x03, Buffer.from([0x01, 0x86]))), // digitalSignature, keyCertSign, cRLSign
    extension("extKeyUsage", false, seq(oid(OID.serverAuth))),
    extension("subjectAltName", false, altNames),
  );

  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    sigAlg,
    name, // issuer = subject: self-signed
    seq(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, { key: privateKey, dsaEncoding: "der" });
  const der = seq(tbs, sigAlg, bitString(signature));

  const b64 = der.toString("base64").match(/.{1,64}/g).join("\n");
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: "pkcs8", format: "pem" }),
  };
}
