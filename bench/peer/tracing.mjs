// The peer's tracing with the OpenTelemetry JS SDK, set up as its documentation shows:
// a NodeTracerProvider, always-on sampling, a BatchSpanProcessor with its default queue
// (2,048 spans) and the OTLP/gRPC trace exporter. Spans are made by hand rather than by
// the auto-instrumentations so that the peer records what the service records: one
// server span with the same HTTP attributes, and a child span per step of the read.
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOnSampler, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

// Counts what reaches the exporter and what it delivered, so that the script can say
// how many spans were dropped (the batch processor drops silently when its queue is full).
class CountingExporter {
  constructor(inner) {
    this.inner = inner;
    this.exported = 0;
    this.failed = 0;
  }
  export(spans, done) {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exported += spans.length;
      else this.failed += spans.length;
      done(result);
    });
  }
  shutdown() {
    return this.inner.shutdown();
  }
  forceFlush() {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export function startTracing(endpoint) {
  const exporter = new CountingExporter(new OTLPTraceExporter({ url: endpoint }));
  let ended = 0;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": "bench-peer" }),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  const tracer = trace.getTracer("bench-peer");

  return {
    startServerSpan(request, reply, name) {
      const socket = request.raw.socket;
      request.span = tracer.startSpan(name, {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": request.method,
          "url.path": request.url.split("?", 1)[0],
          "url.scheme": "http",
          "http.route": name.slice(name.indexOf(" ") + 1),
          "server.address": socket.localAddress,
          "server.port": socket.localPort,
          "client.address": socket.remoteAddress,
          "user_agent.original": request.headers["user-agent"] ?? "",
          "network.protocol.version": request.raw.httpVersion,
          "http.request.id": reply.getHeader("x-request-id"),
        },
      });
      const spanContext = request.span.spanContext();
      const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-01`;
      reply.header("traceparent", traceparent);
      reply.header("x-trace-id", spanContext.traceId);
    },
    endServerSpan(request, reply) {
      const span = request.span;
      if (!span) return;
      span.setAttribute("http.response.status_code", reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      ended++;
    },
    child(parent, name, work) {
      const span = tracer.startSpan(name, {}, trace.setSpan(context.active(), parent));
      try {
        return work();
      } finally {
        span.end();
        ended++;
      }
    },
    async shutdown() {
      await provider.shutdown();
      const { exported, failed } = exporter;
      const dropped = ended - exported - failed;
      console.log(`peer export totals ended=${ended} exported=${exported} failed=${failed} dropped=${dropped}`);
    },
  };
}
