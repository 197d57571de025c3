// Effective partition key (EPK) of a partition key value, as the Cosmos SDKs
// compute it. A change feed read for one partition key is sent as an EPK range
// (x-ms-start-epk / x-ms-end-epk) rather than as the value itself, so the server
// needs the same hash to tell which documents fall inside the range.
//
// Hash v2 (the default of current SDKs): MurmurHash3 x64-128 of the binary-encoded
// components, bytes reversed, top two bits cleared, as 32 uppercase hex digits.
// MultiHash (hierarchical keys) concatenates one such hash per component.

const MASK64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

const rotl64 = (x, r) => ((x << r) | (x >> (64n - r))) & MASK64;
const mul64 = (a, b) => (a * b) & MASK64;

function fmix64(k) {
  k ^= k >> 33n;
  k = mul64(k, 0xff51afd7ed558ccdn);
  k ^= k >> 33n;
  k = mul64(k, 0xc4ceb9fe1a85ec53n);
  return k ^ (k >> 33n);
}

/** MurmurHash3 x64-128 with seed 0; returns the 16 bytes low-half first, little-endian. */
function murmurHash3x64128(buf) {
  let h1 = 0n;
  let h2 = 0n;
  const blockEnd = buf.length - (buf.length % 16);
  for (let i = 0; i < blockEnd; i += 16) {
    const k1 = mul64(rotl64(mul64(buf.readBigUInt64LE(i), C1), 31n), C2);
    h1 = ((rotl64(h1 ^ k1, 27n) + h2) * 5n + 0x52dce729n) & MASK64;
    const k2 = mul64(rotl64(mul64(buf.readBigUInt64LE(i + 8), C2), 33n), C1);
    h2 = ((rotl64(h2 ^ k2, 31n) + h1) * 5n + 0x38495ab5n) & MASK64;
  }
  let k1 = 0n;
  let k2 = 0n;
  for (let i = buf.length - 1; i >= blockEnd; i -= 1) {
    const offset = i - blockEnd;
    if (offset >= 8) k2 ^= BigInt(buf[i]) << BigInt(8 * (offset - 8));
    else k1 ^= BigInt(buf[i]) << BigInt(8 * offset);
  }
  h2 ^= mul64(rotl64(mul64(k2, C2), 33n), C1);
  h1 ^= mul64(rotl64(mul64(k1, C1), 31n), C2);

  const len = BigInt(buf.length);
  h1 ^= len;
  h2 ^= len;
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;

  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(h1, 0);
  out.writeBigUInt64LE(h2, 8);
  return out;
}

/** The binary encoding the SDKs hash (hash v2): a type byte, then the value. */
function encodeComponent(value) {
  if (value === undefined) return Buffer.from([0x00]);
  if (value === null) return Buffer.from([0x01]);
  if (value === false) return Buffer.from([0x02]);
  if (value === true) return Buffer.from([0x03]);
  if (typeof value === "number") {
    const b = Buffer.alloc(9);
    b[0] = 0x05;
    b.writeDoubleLE(value, 1);
    return b;
  }
  if (typeof value === "string") {
    return Buffer.concat([Buffer.from([0x08]), Buffer.from(value, "utf8"), Buffer.from([0xff])]);
  }
  return Buffer.from([0x00]); // objects and arrays are not valid partition keys: treat as undefined
}

function hashV2(buf) {
  const bytes = murmurHash3x64128(buf).reverse();
  bytes[0] &= 0x3f; // keep the EPK below the "FF" that ends the key space
  return bytes.toString("hex").toUpperCase();
}

/**
 * EPK string for the partition key components of one document (values in the
 * order of the container's partitionKey.paths). `kind` is "Hash" or "MultiHash".
 */
export function effectivePartitionKey(components, kind = "Hash") {
  if (kind === "MultiHash") return components.map((c) => hashV2(encodeComponent(c))).join("");
  return hashV2(Buffer.concat(components.map(encodeComponent)));
}
