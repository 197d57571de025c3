// Validate a Teams app package offline against the JSON schemas that @microsoft/app-manifest
// bundles (Teams v1.0–v1.30), so neither tests nor CI need the network (`teamsapp validate`
// does).
//
//   node manifest/validate.mjs appPackage.zip | path/to/manifest.json | path/to/en.json ...
//
// A zip or a manifest.json is checked with the files it names: the icons must be there, and
// every localization file is validated against its own schema. Prints
// {"valid": bool, "errors": [...], "checked": [...]} and exits 0 when valid, 1 when not.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { inflateRawSync } from "node:zlib";

import { AppManifestUtils } from "@microsoft/app-manifest";

// The package looks schemas up under its build folder; we do the same lookup ourselves and
// pass the schema in, because for a schema it lacks it would quietly fetch one online.
const SCHEMA_ROOT = path.dirname(createRequire(import.meta.url).resolve("@microsoft/app-manifest"));
const SCHEMA_HOST = "https://developer.microsoft.com";

function localSchemaPath(url) {
  let pathname;
  try {
    const parsed = new URL(url);
    if (parsed.origin !== SCHEMA_HOST) return undefined;
    pathname = parsed.pathname;
  } catch {
    return undefined;
  }
  // Microsoft's links carry a locale ("/en-us/json-schemas/..."); the files do not.
  const suffix = pathname.replace(/^\/[a-z]{2}(-[a-z]{2})?(?=\/json-schemas\/)/i, "");
  if (!suffix.startsWith("/json-schemas/teams/")) return undefined;
  return path.join(SCHEMA_ROOT, suffix);
}

// Every bundled localization schema (v1.8 on) has two patternProperties keys ending in
// "\b]\.description$" with the "]" unescaped: fine for a plain RegExp, but ajv compiles with
// the "u" flag, where it is a syntax error, so the schema cannot be compiled at all
// (MicrosoftDocs/msteams-docs#8858). Escaping such a "]" keeps its meaning (a literal "]").
function escapeLoneBrackets(pattern) {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === "\\") {
      out += c + (pattern[i + 1] ?? "");
      i += 1;
    } else {
      if (c === "[") inClass = true;
      else if (c === "]" && !inClass) out += "\\";
      else if (c === "]") inClass = false;
      out += c;
    }
  }
  return out;
}

function compilesWithUnicode(pattern) {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

function repairPatterns(schema) {
  if (Array.isArray(schema)) return schema.map(repairPatterns);
  if (schema === null || typeof schema !== "object") return schema;
  const fix = (p) => (compilesWithUnicode(p) ? p : escapeLoneBrackets(p));
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => {
      if (key === "pattern" && typeof value === "string") return [key, fix(value)];
      if (key === "patternProperties" && value && typeof value === "object") {
        return [key, Object.fromEntries(Object.entries(value).map(([p, v]) => [fix(p), repairPatterns(v)]))];
      }
      return [key, repairPatterns(value)];
    }),
  );
}

async function validateDocument(name, document, errors) {
  if (typeof document?.$schema !== "string") {
    errors.push(`${name}: has no $schema, so it cannot be validated`);
    return;
  }
  const schemaPath = localSchemaPath(document.$schema);
  let schema;
  try {
    // The same clean-up of "\a" and "\v" escapes that the package applies to the files it reads.
    const text = readFileSync(schemaPath ?? "", "utf8");
    schema = JSON.parse(text.replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));
  } catch {
    errors.push(`${name}: schema ${document.$schema} is not bundled with @microsoft/app-manifest`);
    return;
  }
  for (const error of await AppManifestUtils.validateAgainstSchema(document, repairPatterns(schema))) {
    errors.push(`${name}: ${error}`);
  }
}

// Just enough of the zip format for an app package: central directory, stored or deflated.
function readZip(buffer) {
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error("not a zip file");
  const files = new Map();
  let at = buffer.readUInt32LE(end + 16);
  for (let i = buffer.readUInt16LE(end + 10); i > 0; i -= 1) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error("broken zip directory");
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString("utf8", at + 46, at + 46 + nameLength);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    if (method === 0) files.set(name, data);
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw new Error(`${name}: unsupported zip compression method ${method}`);
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
  }
  return files;
}

function parseJson(name, bytes, errors) {
  try {
    return JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    errors.push(`${name}: not valid JSON (${error.message})`);
    return undefined;
  }
}

// A manifest with the files it refers to, read through `read(name)` (a Buffer or undefined).
async function validatePackage(label, manifestName, read, errors, checked) {
  const bytes = read(manifestName);
  if (!bytes) {
    errors.push(`${label}: has no ${manifestName}`);
    return;
  }
  const manifest = parseJson(manifestName, bytes, errors);
  if (manifest === undefined) return;
  checked.push(manifestName);
  await validateDocument(manifestName, manifest, errors);

  for (const icon of [manifest.icons?.color, manifest.icons?.outline]) {
    if (typeof icon === "string" && !read(icon)) errors.push(`${label}: icon ${icon} is missing`);
  }
  const info = manifest.localizationInfo ?? {};
  const languageFiles = [info.defaultLanguageFile, ...(info.additionalLanguages ?? []).map((l) => l?.file)];
  for (const file of languageFiles.filter((f) => typeof f === "string")) {
    const content = read(file);
    if (!content) {
      errors.push(`${label}: localization file ${file} is missing`);
      continue;
    }
    const localization = parseJson(file, content, errors);
    if (localization === undefined) continue;
    checked.push(file);
    await validateDocument(file, localization, errors);
  }
}

function readOrUndefined(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

async function validatePath(file, errors, checked) {
  const bytes = readOrUndefined(file);
  if (!bytes) {
    errors.push(`${file}: cannot be read`);
    return;
  }
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    let files;
    try {
      files = readZip(bytes);
    } catch (error) {
      errors.push(`${file}: ${error.message}`);
      return;
    }
    await validatePackage(file, "manifest.json", (name) => files.get(name), errors, checked);
    return;
  }
  const document = parseJson(file, bytes, errors);
  if (document === undefined) return;
  if ("manifestVersion" in document) {
    // A manifest on disk: its icons and localization files sit beside it.
    const folder = path.dirname(file);
    const read = (name) => readOrUndefined(path.join(folder, name));
    await validatePackage(file, path.basename(file), read, errors, checked);
  } else {
    checked.push(file);
    await validateDocument(file, document, errors);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node manifest/validate.mjs <appPackage.zip | manifest.json | en.json> ...");
  process.exit(2);
}
const errors = [];
const checked = [];
for (const file of files) await validatePath(file, errors, checked);
console.log(JSON.stringify({ valid: errors.length === 0, errors, checked }, null, 2));
process.exit(errors.length === 0 ? 0 : 1);
