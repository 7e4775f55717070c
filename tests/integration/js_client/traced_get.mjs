#!/usr/bin/env node
// A traced HTTP client built only from the OpenTelemetry JS SDK: it starts a CLIENT
// span, injects its W3C traceparent with the SDK's own propagator, calls the service,
// ends the span and exports it over OTLP/HTTP protobuf. The integration test then
// checks that the service's SERVER span is a child of this span in one trace: two
// independent SDKs agreeing on one trace is the point of W3C Trace Context.
//
//   node traced_get.mjs --url http://127.0.0.1:PORT/api/boards/1 \
//        --otlp http://127.0.0.1:RECEIVER_HTTP_PORT/v1/traces [--header 'authorization: Bearer x']
//
// Prints one JSON line: {"status", "traceId", "spanId", "responseTraceparent"}.

import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

function parseArgs(argv) {
  const out = { headers: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    if (key === "header") out.headers.push(value);
    else out[key] = value;
  }
  if (!out.url || !out.otlp) throw new Error("--url and --otlp are required");
  return out;
}

const args = parseArgs(process.argv.slice(2));
const exporter = new OTLPTraceExporter({ url: args.otlp });
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ "service.name": "rb-js-test-client" }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const tracer = provider.getTracer("rb-integration-js-client", "1.0.0");

const target = new URL(args.url);
const span = tracer.startSpan(`GET`, {
  kind: SpanKind.CLIENT,
  attributes: {
    "http.request.method": "GET",
    "url.full": target.href,
    "server.address": target.hostname,
    "server.port": Number(target.port),
  },
});

const headers = {};
for (const line of args.headers) {
  const at = line.indexOf(":");
  headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
}
// The SDK's propagator writes traceparent (and tracestate) from the span's context.
propagation.inject(trace.setSpan(context.active(), span), headers);

let result;
try {
  const response = await fetch(target, { headers });
  await response.arrayBuffer();
  span.setAttribute("http.response.status_code", response.status);
  if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
  result = {
    status: response.status,
    sentTraceparent: headers.traceparent,
    responseTraceparent: response.headers.get("traceparent"),
  };
} catch (error) {
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  result = { error: String(error) };
}
span.end();
const { traceId, spanId } = span.spanContext();
await provider.forceFlush();
await provider.shutdown();
process.stdout.write(JSON.stringify({ ...result, traceId, spanId }) + "\n");
process.exit(result.error ? 1 : 0);
