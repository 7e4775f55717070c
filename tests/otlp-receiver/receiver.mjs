#!/usr/bin/env node
// Test-only OTLP trace receiver. It decodes every export with the protobuf schema that
// OpenTelemetry publishes on npm (@opentelemetry/otlp-transformer), never with this
// project's .proto files, so a wrong field number or JSON mapping cannot be read back
// by the same mistake that wrote it. gRPC (TraceService/Export, gzip too) is served on
// node:http2 so the wire details stay visible; HTTP/protobuf and HTTP/JSON on
// POST /v1/traces (Content-Encoding: gzip too).
//
//   node receiver.mjs --grpc-port 0 --http-port 0 --out spans.jsonl --requests requests.jsonl
//
// Prints "ready grpc=PORT http=PORT" once both listeners are up. Faults for exporter
// tests: --fail-first N, --fail-code CODE, --retry-after-s S, --delay-ms D,
// --reject-spans N, and POST /control {"fail":..., "fail_code":..., "delay_ms":...,
// "reject_spans":..., "retry_after_s":...} at run time. GET /stats returns counters.
// --tls-cert FILE --tls-key FILE serve both ports over TLS instead.

import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttp2Server, createSecureServer as createHttp2SecureServer } from "node:http2";
import { createServer as createHttpsServer } from "node:https";
import { createRequire } from "node:module";
import { gunzipSync } from "node:zlib";
import grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { checkJsonRequest, hexToBytes } from "./otlp_json_check.mjs";

const require = createRequire(import.meta.url);
const otlp = require("@opentelemetry/otlp-transformer/build/src/generated/root.js").opentelemetry
  .proto;
const { ExportTraceServiceRequest, ExportTraceServiceResponse } = otlp.collector.trace.v1;

// google.rpc.Status and RetryInfo, only to put a retry delay on a gRPC failure.
const rpc = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: "string", id: 1 }, value: { type: "bytes", id: 2 } } },
            Duration: { fields: { seconds: { type: "int64", id: 1 }, nanos: { type: "int32", id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: "int32", id: 1 },
                message: { type: "string", id: 2 },
                details: { rule: "repeated", type: "google.protobuf.Any", id: 3 },
              },
            },
            RetryInfo: { fields: { retry_delay: { type: "google.protobuf.Duration", id: 1 } } },
          },
        },
      },
    },
  },
});

// --- options -------------------------------------------------------------------------

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) throw new Error(`unexpected argument ${argv[i]}`);
    const key = argv[i].slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) out[key] = "true";
    else {
      out[key] = next;
      i++;
    }
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const host = args.host ?? "127.0.0.1";
// --tls-cert FILE --tls-key FILE: both ports speak TLS (gRPC with ALPN h2, HTTP as HTTPS).
const tls = args["tls-cert"] && args["tls-key"]
  ? { cert: readFileSync(args["tls-cert"]), key: readFileSync(args["tls-key"]) }
  : null;
const outFile = args.out;
const requestsFile = args.requests;
const state = {
  failFirst: Number(args["fail-first"] ?? 0),
  fail: false,
  failCode: args["fail-code"] ?? "unavailable",
  retryAfterS: Number(args["retry-after-s"] ?? 1),
  delayMs: Number(args["delay-ms"] ?? 0),
  rejectSpans: Number(args["reject-spans"] ?? 0),
};
const stats = { requests: 0, failed: 0, spans: 0, rejected_requests: 0 };
if (outFile) writeFileSync(outFile, "");
if (requestsFile) writeFileSync(requestsFile, "");

// A failure as both protocols say it.
const FAILURES = {
  unavailable: { grpc: grpc.status.UNAVAILABLE, http: 503 },
  resource_exhausted: { grpc: grpc.status.RESOURCE_EXHAUSTED, http: 429 },
  invalid_argument: { grpc: grpc.status.INVALID_ARGUMENT, http: 400 },
  internal: { grpc: grpc.status.INTERNAL, http: 500 },
  deadline_exceeded: { grpc: grpc.status.DEADLINE_EXCEEDED, http: 504 },
};

// --- decoded request -> one record per span --------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const b64ToHex = (b64) => (b64 ? Buffer.from(b64, "base64").toString("hex") : "");

// AnyValue -> {type, value} with the OTLP type kept (int64 as a decimal string).
function typedValue(v) {
  if (!v) return { type: "empty", value: null };
  if ("stringValue" in v) return { type: "string", value: v.stringValue };
  if ("boolValue" in v) return { type: "bool", value: v.boolValue };
  if ("intValue" in v) return { type: "int", value: String(v.intValue) };
  if ("doubleValue" in v) return { type: "double", value: v.doubleValue };
  if ("bytesValue" in v) return { type: "bytes", value: b64ToHex(v.bytesValue) };
  if ("arrayValue" in v) return { type: "array", value: (v.arrayValue.values ?? []).map(typedValue) };
  if ("kvlistValue" in v) return { type: "kvlist", value: typedAttributes(v.kvlistValue.values) };
  return { type: "empty", value: null };
}

function typedAttributes(list) {
  const out = {};
  for (const kv of list ?? []) out[kv.key] = typedValue(kv.value);
  return out;
}

function spanRecords(request, meta) {
  const object = ExportTraceServiceRequest.toObject(request, {
    longs: String,
    enums: Number,
    bytes: String,
    defaults: true,
    arrays: true,
  });
  const records = [];
  for (const rs of object.resourceSpans) {
    const resource = typedAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        records.push({
          ...meta,
          resource,
          scope: { name: ss.scope?.name ?? "", version: ss.scope?.version ?? "" },
          traceId: b64ToHex(s.traceId),
          spanId: b64ToHex(s.spanId),
          parentSpanId: b64ToHex(s.parentSpanId),
          traceState: s.traceState,
          flags: s.flags,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: String(s.startTimeUnixNano),
          endTimeUnixNano: String(s.endTimeUnixNano),
          attributes: typedAttributes(s.attributes),
          droppedAttributesCount: s.droppedAttributesCount,
          events: s.events.map((e) => ({
            name: e.name,
            timeUnixNano: String(e.timeUnixNano),
            attributes: typedAttributes(e.attributes),
            droppedAttributesCount: e.droppedAttributesCount,
          })),
          droppedEventsCount: s.droppedEventsCount,
          links: s.links.map((l) => ({
            traceId: b64ToHex(l.traceId),
            spanId: b64ToHex(l.spanId),
            traceState: l.traceState,
            flags: l.flags,
            attributes: typedAttributes(l.attributes),
            droppedAttributesCount: l.droppedAttributesCount,
          })),
          droppedLinksCount: s.droppedLinksCount,
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
        });
      }
    }
  }
  return records;
}

function countSpans(request) {
  let n = 0;
  for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += (ss.spans ?? []).length;
  return n;
}

function logRequest(line) {
  if (requestsFile) appendFileSync(requestsFile, JSON.stringify(line) + "\n");
}

function writeSpans(records) {
  const text = records.map((r) => JSON.stringify(r) + "\n").join("");
  if (outFile) appendFileSync(outFile, text);
  else process.stdout.write(text);
}

// Decides the fate of a decoded request: null to accept, or the failure to answer with.
function failureFor() {
  if (state.failFirst > 0) {
    state.failFirst--;
    return FAILURES[state.failCode] ?? FAILURES.unavailable;
  }
  if (state.fail) return FAILURES[state.failCode] ?? FAILURES.unavailable;
  return null;
}

// Common path for every transport once the request is decoded.
async function accept(request, meta, line) {
  stats.requests++;
  if (state.delayMs > 0) await sleep(state.delayMs);
  const failure = failureFor();
  line.spans = countSpans(request);
  if (failure) {
    stats.failed++;
    line.answer = "failed";
    logRequest(line);
    return { failure };
  }
  const records = spanRecords(request, meta);
  stats.spans += records.length;
  writeSpans(records);
  line.answer = "ok";
  logRequest(line);
  const partial =
    state.rejectSpans > 0
      ? { rejectedSpans: state.rejectSpans, errorMessage: "receiver told to reject spans" }
      : null;
  return { partial };
}

// --- gRPC -----------------------------------------------------------------------------
// A unary gRPC endpoint on node:http2, so that what the client put on the wire (the
// grpc-encoding header, each message's compressed flag, grpc-timeout) stays visible;
// @grpc/grpc-js strips those before a handler sees the call. Status codes are grpc-js's.

const EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

function grpcStatusDetails(failure) {
  if (!(state.retryAfterS > 0) || failure.grpc === grpc.status.INVALID_ARGUMENT) return {};
  const RetryInfo = rpc.lookupType("google.rpc.RetryInfo");
  const Status = rpc.lookupType("google.rpc.Status");
  const info = RetryInfo.encode({ retry_delay: { seconds: state.retryAfterS, nanos: 0 } }).finish();
  const status = Status.encode({
    code: failure.grpc,
    message: "receiver told to fail",
    details: [{ type_url: "type.googleapis.com/google.rpc.RetryInfo", value: info }],
  }).finish();
  return { "grpc-status-details-bin": Buffer.from(status).toString("base64").replace(/=+$/, "") };
}

// Trailers-only answer: the call failed before any message.
function grpcError(stream, code, message, extra = {}) {
  if (stream.destroyed) return;
  stream.respond(
    { ":status": 200, "content-type": "application/grpc", "grpc-status": String(code), "grpc-message": encodeURIComponent(message), ...extra },
    { endStream: true },
  );
}

function grpcReply(stream, messageBytes) {
  if (stream.destroyed) return;
  const frame = Buffer.alloc(5 + messageBytes.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(messageBytes.length, 1);
  Buffer.from(messageBytes).copy(frame, 5);
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": "" }));
  stream.end(frame);
}

async function handleGrpcStream(stream, rawHeaders) {
  const wire = await readBody(stream);
  const headers = {};
  for (const [k, v] of Object.entries(rawHeaders)) {
    if (!k.startsWith(":") && !k.endsWith("-bin")) headers[k] = String(v);
  }
  const line = { transport: "grpc", encoding: "protobuf", compressed: false, bytes: wire.length, headers, problems: [] };
  const invalid = (code, problem) => {
    line.problems.push(problem);
    line.answer = "invalid";
    stats.rejected_requests++;
    logRequest(line);
    grpcError(stream, code, problem);
  };
  if (rawHeaders[":path"] !== EXPORT_PATH) return invalid(grpc.status.UNIMPLEMENTED, `unknown method ${rawHeaders[":path"]}`);
  if (!String(rawHeaders["content-type"] ?? "").startsWith("application/grpc")) {
    return invalid(grpc.status.INVALID_ARGUMENT, "content-type is not application/grpc");
  }
  if (wire.length < 5 || wire.readUInt32BE(1) !== wire.length - 5) {
    return invalid(grpc.status.INVALID_ARGUMENT, "expected exactly one length-prefixed message");
  }
  let body = wire.subarray(5);
  if (wire.readUInt8(0) === 1) {
    line.compressed = true;
    if (headers["grpc-encoding"] !== "gzip") return invalid(grpc.status.UNIMPLEMENTED, `compressed with ${headers["grpc-encoding"]}`);
    try {
      body = gunzipSync(body);
    } catch (e) {
      return invalid(grpc.status.INTERNAL, `bad gzip: ${e.message}`);
    }
  }
  line.decodedBytes = body.length;
  if (body.length > 4 * 1024 * 1024) {
    // What a collector with gRPC's default limit answers.
    return invalid(grpc.status.RESOURCE_EXHAUSTED, `received message larger than max (${body.length} vs. 4194304)`);
  }
  let request;
  try {
    request = ExportTraceServiceRequest.decode(body);
  } catch (e) {
    return invalid(grpc.status.INVALID_ARGUMENT, `undecodable: ${e.message}`);
  }
  const result = await accept(request, { transport: "grpc", compressed: line.compressed }, line);
  if (result.failure) return grpcError(stream, result.failure.grpc, "receiver told to fail", grpcStatusDetails(result.failure));
  grpcReply(stream, ExportTraceServiceResponse.encode({ partialSuccess: result.partial ?? undefined }).finish());
}

function startGrpc(port) {
  const server = tls ? createHttp2SecureServer(tls) : createHttp2Server();
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    handleGrpcStream(stream, headers).catch((e) => grpcError(stream, grpc.status.INTERNAL, String(e?.message ?? e)));
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve({ server, port: server.address().port })));
}

// --- HTTP -----------------------------------------------------------------------------

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function reply(res, status, body, contentType, extra = {}) {
  res.writeHead(status, { "content-type": contentType, ...extra });
  res.end(body);
}

async function handleTraces(req, res) {
  const wire = await readBody(req);
  const encodingHeader = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  const json = contentType === "application/json";
  const headers = { ...req.headers };
  const line = {
    transport: json ? "http/json" : "http/protobuf",
    encoding: json ? "json" : "protobuf",
    compressed: encodingHeader === "gzip",
    bytes: wire.length,
    headers,
    problems: [],
  };
  const bad = (problem) => {
    line.problems.push(problem);
    line.answer = "invalid";
    stats.rejected_requests++;
    logRequest(line);
    reply(res, 400, JSON.stringify({ code: 3, message: problem }), "application/json");
  };
  if (!json && contentType !== "application/x-protobuf") return bad(`unsupported content-type ${contentType}`);
  let body = wire;
  if (encodingHeader === "gzip") {
    try {
      body = gunzipSync(wire);
    } catch (e) {
      return bad(`bad gzip: ${e.message}`);
    }
  } else if (encodingHeader !== "identity") {
    return bad(`unsupported content-encoding ${encodingHeader}`);
  }
  line.decodedBytes = body.length;
  let request;
  if (json) {
    let parsed;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (e) {
      return bad(`invalid JSON: ${e.message}`);
    }
    const { fatal, notes } = checkJsonRequest(parsed, ExportTraceServiceRequest);
    line.problems.push(...notes);
    if (fatal.length > 0) return bad(fatal.join("; "));
    // Through the schema: JSON object -> message -> bytes -> message, like protobuf.
    const message = ExportTraceServiceRequest.fromObject(hexToBytes(parsed));
    request = ExportTraceServiceRequest.decode(ExportTraceServiceRequest.encode(message).finish());
  } else {
    try {
      request = ExportTraceServiceRequest.decode(body);
    } catch (e) {
      return bad(`undecodable protobuf: ${e.message}`);
    }
  }
  const result = await accept(request, { transport: line.transport, compressed: line.compressed }, line);
  if (result.failure) {
    const extra = state.retryAfterS > 0 ? { "retry-after": String(state.retryAfterS) } : {};
    return reply(res, result.failure.http, json ? '{"code":14,"message":"receiver told to fail"}' : "",
      json ? "application/json" : "application/x-protobuf", extra);
  }
  const response = ExportTraceServiceResponse.create({ partialSuccess: result.partial ?? undefined });
  if (json) {
    const partial = result.partial
      ? { partialSuccess: { rejectedSpans: String(result.partial.rejectedSpans), errorMessage: result.partial.errorMessage } }
      : {};
    reply(res, 200, JSON.stringify(partial), "application/json");
  } else {
    reply(res, 200, Buffer.from(ExportTraceServiceResponse.encode(response).finish()), "application/x-protobuf");
  }
}

async function handleControl(req, res) {
  const body = JSON.parse((await readBody(req)).toString("utf8") || "{}");
  if ("fail" in body) state.fail = Boolean(body.fail);
  if ("fail_code" in body) state.failCode = String(body.fail_code);
  if ("fail_first" in body) state.failFirst = Number(body.fail_first);
  if ("delay_ms" in body) state.delayMs = Number(body.delay_ms);
  if ("reject_spans" in body) state.rejectSpans = Number(body.reject_spans);
  if ("retry_after_s" in body) state.retryAfterS = Number(body.retry_after_s);
  reply(res, 200, JSON.stringify(state), "application/json");
}

function startHttp(port) {
  const handle = (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const handler =
      req.method === "POST" && path === "/v1/traces"
        ? handleTraces
        : req.method === "POST" && path === "/control"
          ? handleControl
          : req.method === "GET" && path === "/stats"
            ? async (_q, r) => reply(r, 200, JSON.stringify(stats), "application/json")
            : async (_q, r) => reply(r, 404, "not found", "text/plain");
    handler(req, res).catch((e) => {
      if (!res.headersSent) reply(res, 500, String(e?.stack ?? e), "text/plain");
    });
  };
  const server = tls ? createHttpsServer(tls, handle) : createServer(handle);
  server.maxRequestsPerSocket = 0;
  return new Promise((resolve) => server.listen(port, host, () => resolve({ server, port: server.address().port })));
}

const grpcSide = await startGrpc(Number(args["grpc-port"] ?? 4317));
const httpSide = await startHttp(Number(args["http-port"] ?? 4318));
process.stdout.write(`ready grpc=${grpcSide.port} http=${httpSide.port}\n`);

const stop = () => {
  httpSide.server.close();
  grpcSide.server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
