#!/usr/bin/env node
// A light OTLP/gRPC trace sink for load tests: it accepts
// opentelemetry.proto.collector.trace.v1.TraceService/Export and answers an empty
// ExportTraceServiceResponse (zero bytes on the wire) WITHOUT decoding the request, so
// that on a 2-core machine the sink costs as little CPU as possible and the measurement
// shows the service's tracing cost rather than the receiver's. Correctness of what is
// exported is checked elsewhere (tests/otlp-receiver decodes with OpenTelemetry's schema).
//
//   node bench/lib/grpc_sink.mjs   -> prints "ready grpc=PORT http=PORT"
//   GET http://127.0.0.1:HTTP/stats -> {"requests":N,"bytes":B}
import { createServer } from "node:http";
import { createRequire } from "node:module";

// grpc-js is installed by tests/otlp-receiver's `npm ci`; reuse it from there.
const require = createRequire(new URL("../../tests/otlp-receiver/package.json", import.meta.url));
const grpc = require("@grpc/grpc-js");

const stats = { requests: 0, bytes: 0 };
const identity = (buffer) => buffer;
const service = {
  Export: {
    path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    requestStream: false,
    responseStream: false,
    requestDeserialize: identity,
    requestSerialize: identity,
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: identity,
  },
};

const server = new grpc.Server({ "grpc.max_receive_message_length": 64 * 1024 * 1024 });
server.addService(service, {
  Export(call, callback) {
    stats.requests++;
    stats.bytes += call.request.length;
    callback(null, null);
  },
});

const grpcPort = await new Promise((resolve, reject) =>
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) =>
    error ? reject(error) : resolve(port),
  ),
);
const http = createServer((request, response) => {
  response.writeHead(request.url === "/stats" ? 200 : 404, { "content-type": "application/json" });
  response.end(request.url === "/stats" ? JSON.stringify(stats) : "{}");
});
await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
process.stdout.write(`ready grpc=${grpcPort} http=${http.address().port}\n`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.forceShutdown();
    http.close();
    process.exit(0);
  });
}
