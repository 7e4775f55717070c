// Benchmark peer: what a user could run instead of this service for its hottest read.
// Node.js + Fastify answering GET /api/boards/:id like realtime-board-api does, from
// memory instead of SQLite: the bearer token is hashed (lowercase hex SHA-256, as
// domain::secrets::token_hash stores it) and looked up, the caller's membership of the
// board is checked, and the board is rendered with the same fields as api::to_json.
//
// Environment:
//   PEER_PORT      port on 127.0.0.1 (0 picks a free one)          [0]
//   PEER_TOKEN     the bearer token the load generator sends         (required)
//   PEER_BOARD_ID  the board it reads                                (required)
//   OTEL_EXPORTER_OTLP_ENDPOINT  when set, every request is traced with the
//                  OpenTelemetry JS SDK (always on, batch processor, OTLP/gRPC).
// Prints "ready port=N" once it listens; SIGTERM flushes the exporter and exits.
import { createHash, randomBytes } from "node:crypto";
import Fastify from "fastify";
import { startTracing } from "./tracing.mjs";

const token = process.env.PEER_TOKEN;
const boardId = Number(process.env.PEER_BOARD_ID);
if (!token || !Number.isInteger(boardId)) {
  console.error("PEER_TOKEN and PEER_BOARD_ID are required");
  process.exit(2);
}

const tracing = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
  ? startTracing(process.env.OTEL_EXPORTER_OTLP_ENDPOINT)
  : null;

const tokenHash = (text) => createHash("sha256").update(text).digest("hex");

// The same data the seeded database holds, plus a few hundred other users and boards
// so that the lookups are lookups in populated maps.
const users = new Map(); // token hash -> user
const boards = new Map(); // board id -> board row
const members = new Map(); // `${board}:${user}` -> role
const now = new Date().toISOString();
for (let i = 1; i <= 500; i++) {
  const userId = i;
  const userToken = i === 1 ? token : randomBytes(32).toString("base64url");
  users.set(tokenHash(userToken), { id: userId, username: `user_${i}` });
  const id = i === 1 ? boardId : boardId + i;
  boards.set(id, {
    id,
    name: i === 1 ? "Load test board" : `Board ${i}`,
    description: "",
    owner_id: userId,
    created_at: now,
    updated_at: now,
  });
  members.set(`${id}:${userId}`, "owner");
}

function requestId() {
  return randomBytes(16).toString("hex");
}

function fail(reply, status, code, message) {
  const id = reply.getHeader("x-request-id");
  return reply.code(status).send({ error: { code, message, request_id: id } });
}

// Each step is a span of its own when traced, like the service's authentication,
// authorization and board read (four spans per request with the server span).
function step(span, name, work) {
  if (!tracing) return work();
  return tracing.child(span, name, work);
}

const app = Fastify({ logger: false });

app.addHook("onRequest", (request, reply, done) => {
  reply.header("x-request-id", requestId());
  if (tracing) tracing.startServerSpan(request, reply, "GET /api/boards/{id}");
  done();
});
if (tracing) {
  app.addHook("onResponse", (request, reply, done) => {
    tracing.endServerSpan(request, reply);
    done();
  });
}

// A response schema, as Fastify recommends: the body is serialized by a compiled
// function instead of JSON.stringify.
const boardSchema = {
  response: {
    200: {
      type: "object",
      properties: {
        id: { type: "integer" },
        name: { type: "string" },
        description: { type: "string" },
        owner_id: { type: "integer" },
        role: { type: "string" },
        created_at: { type: "string" },
        updated_at: { type: "string" },
      },
    },
  },
};

app.get("/api/boards/:id", { schema: boardSchema }, (request, reply) => {
  const span = request.span;
  const authorization = request.headers.authorization ?? "";
  if (!authorization.startsWith("Bearer ")) {
    return fail(reply, 401, "unauthorized", "a bearer token is required");
  }
  const user = step(span, "authenticate", () => users.get(tokenHash(authorization.slice(7))));
  if (!user) return fail(reply, 401, "unauthorized", "the token is invalid or expired");
  const id = Number(request.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) {
    return fail(reply, 400, "validation_failed", "board id must be a positive integer");
  }
  const role = step(span, "authorize", () => members.get(`${id}:${user.id}`));
  const board = role && step(span, "board read", () => boards.get(id));
  if (!board) return fail(reply, 404, "not_found", "board not found");
  return {
    id: board.id,
    name: board.name,
    description: board.description,
    owner_id: board.owner_id,
    role,
    created_at: board.created_at,
    updated_at: board.updated_at,
  };
});

app.get("/health", () => ({ status: "ok" }));

const address = await app.listen({ host: "127.0.0.1", port: Number(process.env.PEER_PORT ?? 0) });
console.log(`ready port=${new URL(address).port}`);

process.on("SIGTERM", async () => {
  await app.close();
  if (tracing) await tracing.shutdown();
  process.exit(0);
});
