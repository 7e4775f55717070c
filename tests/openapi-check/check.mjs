// Checks docs/openapi.yaml, and optionally real responses recorded from the server,
// against it.
//
//   node check.mjs <openapi.yaml> [records.json]
//
// 1. The document must be a valid OpenAPI 3.1 description (swagger-parser checks it
//    against the specification's schema and its own rules), and every schema in it
//    must compile under JSON Schema 2020-12 (Ajv, strict: an unknown keyword or a
//    typo fails instead of being ignored).
// 2. Each record is {method, path, status, headers, body_text, body?, request_body?}
//    where `path` is the template of the document ("/api/boards/{id}"), or
//    {component, status, ...} for the answers that any path can get (an unknown path,
//    a wrong method). It must match the document: the status is documented for that
//    operation (no `default` fallback), every required header is present and every
//    documented header's value matches its schema, the body matches the media type's
//    schema (or is empty when none is documented). A request the server accepted (2xx)
//    must match the documented request body too.
//
// Prints a JSON report on stdout: {errors, checked, covered, uncovered}; exits 1
// when there is any error.

import fs from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// The answers any request may get before it reaches an operation (see info.description).
const COMPONENT_STATUS = {
  NotFound: 404,
  MethodNotAllowed: 405,
  BadRequest: 400,
  PayloadTooLarge: 413,
  HeaderFieldsTooLarge: 431,
  InternalError: 500,
};

function makeAjv() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  // OpenAPI's own formats for integers.
  ajv.addFormat("int32", {
    type: "number",
    validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n) => Number.isInteger(n) });
  // OpenAPI's Schema Object keywords that are not JSON Schema's.
  ajv.addVocabulary(["discriminator", "xml", "externalDocs", "example"]);
  return ajv;
}

function describeErrors(validate) {
  return (validate.errors || [])
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`)
    .join("; ");
}

// Compiles each schema once (the dereferenced document shares objects between uses).
class Schemas {
  constructor(ajv) {
    this.ajv = ajv;
    this.compiled = new Map();
  }
  get(schema) {
    if (!this.compiled.has(schema)) this.compiled.set(schema, this.ajv.compile(schema));
    return this.compiled.get(schema);
  }
}

function operations(api) {
  const list = [];
  for (const [path, item] of Object.entries(api.paths || {})) {
    for (const method of METHODS) {
      if (item[method]) list.push({ path, method, operation: item[method] });
    }
  }
  return list;
}

// Every schema the document holds, with where it is, so that a bad one is named.
function* allSchemas(api) {
  for (const { path, method, operation } of operations(api)) {
    const where = `${method.toUpperCase()} ${path}`;
    for (const p of [...(api.paths[path].parameters || []), ...(operation.parameters || [])]) {
      if (p.schema) yield [`${where} parameter ${p.name}`, p.schema];
    }
    for (const [type, media] of Object.entries(operation.requestBody?.content || {})) {
      if (media.schema) yield [`${where} request ${type}`, media.schema];
    }
    for (const [status, response] of Object.entries(operation.responses || {})) {
      yield* responseSchemas(`${where} ${status}`, response);
    }
  }
  for (const [name, response] of Object.entries(api.components?.responses || {})) {
    yield* responseSchemas(`components.responses.${name}`, response);
  }
  for (const [name, schema] of Object.entries(api.components?.schemas || {})) {
    yield [`components.schemas.${name}`, schema];
  }
}

function* responseSchemas(where, response) {
  for (const [name, header] of Object.entries(response.headers || {})) {
    if (header.schema) yield [`${where} header ${name}`, header.schema];
  }
  for (const [type, media] of Object.entries(response.content || {})) {
    if (media.schema) yield [`${where} ${type}`, media.schema];
  }
}

function checkResponse(schemas, where, response, record, errors) {
  const headers = Object.fromEntries(
    Object.entries(record.headers || {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  for (const [rawName, header] of Object.entries(response.headers || {})) {
    const name = rawName.toLowerCase();
    if (!(name in headers)) {
      if (header.required) errors.push(`${where}: required header ${name} is missing`);
      continue;
    }
    if (header.schema) {
      const validate = schemas.get(header.schema);
      if (!validate(headers[name])) {
        errors.push(`${where}: header ${name}=${JSON.stringify(headers[name])}: ${describeErrors(validate)}`);
      }
    }
  }

  const content = response.content || {};
  const bodyText = record.body_text || "";
  if (Object.keys(content).length === 0) {
    if (bodyText.length > 0) errors.push(`${where}: a body where the document says none`);
    return;
  }
  const contentType = (headers["content-type"] || "").split(";")[0].trim().toLowerCase();
  const media = content[contentType];
  if (!media) {
    errors.push(`${where}: content-type ${JSON.stringify(contentType)} is not documented`);
    return;
  }
  if (!("body" in record)) {
    errors.push(`${where}: the body is not JSON: ${JSON.stringify(bodyText.slice(0, 200))}`);
    return;
  }
  if (media.schema) {
    const validate = schemas.get(media.schema);
    if (!validate(record.body)) errors.push(`${where}: body: ${describeErrors(validate)}`);
  }
}

function checkRecord(api, schemas, record, errors, covered) {
  const method = (record.method || "").toLowerCase();
  if (record.component) {
    const where = `${record.method} ${record.target || ""} (components.responses.${record.component})`;
    const response = api.components?.responses?.[record.component];
    if (!response) return errors.push(`${where}: no such component response`);
    if (COMPONENT_STATUS[record.component] !== record.status) {
      return errors.push(`${where}: status ${record.status}, the component is for ${COMPONENT_STATUS[record.component]}`);
    }
    covered.add(`component ${record.component}`);
    return checkResponse(schemas, `${where} ${record.status}`, response, record, errors);
  }

  const where = `${method.toUpperCase()} ${record.path} -> ${record.status}`;
  const operation = api.paths?.[record.path]?.[method];
  if (!operation) return errors.push(`${where}: the operation is not in the document`);
  const response = operation.responses?.[String(record.status)];
  if (!response) {
    const documented = Object.keys(operation.responses || {}).join(", ");
    return errors.push(`${where}: status ${record.status} is not documented (documented: ${documented})`);
  }
  covered.add(`${method.toUpperCase()} ${record.path} ${record.status}`);
  checkResponse(schemas, where, response, record, errors);

  // The server accepted this request: the document must call it valid too.
  const requestMedia = operation.requestBody?.content?.["application/json"];
  if (record.status < 300 && requestMedia?.schema && "request_body" in record) {
    const validate = schemas.get(requestMedia.schema);
    if (!validate(record.request_body)) {
      errors.push(`${where}: the accepted request body does not match the document: ${describeErrors(validate)}`);
    }
  }
}

async function main() {
  const [specPath, recordsPath] = process.argv.slice(2);
  if (!specPath) {
    console.error("usage: node check.mjs <openapi.yaml> [records.json]");
    process.exit(2);
  }
  const errors = [];
  let api;
  try {
    api = await SwaggerParser.validate(specPath);
  } catch (error) {
    errors.push(`the document is not valid OpenAPI: ${error.message}`);
  }
  if (api && !String(api.openapi).startsWith("3.1.")) {
    errors.push(`the document is OpenAPI ${api.openapi}, not 3.1`);
  }

  const schemas = new Schemas(makeAjv());
  if (api) {
    const failed = new Set();  // a shared schema is reported once, where first seen
    for (const [where, schema] of allSchemas(api)) {
      if (failed.has(schema)) continue;
      try {
        schemas.get(schema);
      } catch (error) {
        failed.add(schema);
        errors.push(`${where}: the schema does not compile: ${error.message}`);
      }
    }
  }

  const covered = new Set();
  let checked = 0;
  if (api && errors.length === 0 && recordsPath) {
    const records = JSON.parse(fs.readFileSync(recordsPath, "utf8"));
    for (const record of records) {
      checkRecord(api, schemas, record, errors, covered);
      ++checked;
    }
  }

  const uncovered = [];
  if (api && recordsPath) {
    for (const { path, method, operation } of operations(api)) {
      for (const status of Object.keys(operation.responses || {})) {
        const key = `${method.toUpperCase()} ${path} ${status}`;
        if (!covered.has(key)) uncovered.push(key);
      }
    }
  }
  process.stdout.write(
    JSON.stringify({ errors, checked, covered: [...covered].sort(), uncovered }, null, 1) + "\n",
  );
  process.exit(errors.length === 0 ? 0 : 1);
}

main();
