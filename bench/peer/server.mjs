// Benchmark peer: what a user could run instead of this service for its hottest reads.
// Node.js + Fastify answering like realtime-board-api does, from memory instead of
// SQLite:
//   GET /api/boards/:id           the bearer token is hashed (lowercase hex SHA-256, as
//                                 domain::secrets::token_hash stores it) and looked up,
//                                 the caller's membership of the board is checked, and
//                                 the board is rendered with the same fields as
//                                 api::to_json.
//   GET /api/boards/:id/elements  the same authentication and membership check, then one
//                                 page of the board's elements in (z_index, id) order
//                                 (`limit` 1..100, default 100; `cursor` in the service's
//                                 encoding), as {"elements": [...], "next_cursor": ...}.
//
// Environment:
//   PEER_PORT      port on 127.0.0.1 (0 picks a free one)          [0]
//   PEER_TOKEN     the bearer token the load generator sends         (required)
//   PEER_BOARD_ID  the board it reads                                (required)
//   PEER_BOARD_FILE  a JSON file holding the board as the service answers it (its
//                  name, owner and times); without it the peer makes them up
//   PEER_ELEMENTS_FILE  a JSON file holding the board's elements as the service lists
//                  them ({"elements": [...]}); without it the board has none
//   OTEL_EXPORTER_OTLP_ENDPOINT  when set, every request is traced with the
//                  OpenTelemetry JS SDK (always on, batch processor, OTLP/gRPC).
// Prints "ready port=N" once it listens; SIGTERM flushes the exporter and exits.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
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

// The same data the seeded database holds (the board as the service answered it, when
// given), plus a few hundred other users and boards so that the lookups are lookups in
// populated maps.
const seededBoard = process.env.PEER_BOARD_FILE
  ? JSON.parse(readFileSync(process.env.PEER_BOARD_FILE, "utf8"))
  : null;
const ownerId = seededBoard?.owner_id ?? 1;
const users = new Map(); // token hash -> user
const boards = new Map(); // board id -> board row
const members = new Map(); // `${board}:${user}` -> role
const now = new Date().toISOString();
for (let i = 1; i <= 500; i++) {
  const userId = i === 1 ? ownerId : ownerId + i;
  const userToken = i === 1 ? token : randomBytes(32).toString("base64url");
  users.set(tokenHash(userToken), { id: userId, username: `user_${i}` });
  const id = i === 1 ? boardId : boardId + i;
  boards.set(id, {
    id,
    name: i === 1 ? (seededBoard?.name ?? "Load test board") : `Board ${i}`,
    description: (i === 1 && seededBoard?.description) || "",
    owner_id: userId,
    created_at: (i === 1 && seededBoard?.created_at) || now,
    updated_at: (i === 1 && seededBoard?.updated_at) || now,
  });
  members.set(`${id}:${userId}`, "owner");
}

// The seeded board's elements, sorted as the service pages them: by (z_index, id).
const elements = new Map(); // board id -> elements
const seeded = process.env.PEER_ELEMENTS_FILE
  ? JSON.parse(readFileSync(process.env.PEER_ELEMENTS_FILE, "utf8")).elements
  : [];
seeded.sort((a, b) => a.z_index - b.z_index || a.id - b.id);
elements.set(boardId, seeded);

const PAGE_LIMIT_DEFAULT = 100;
const PAGE_LIMIT_MAX = 100;

// The service's cursor: the hex of "e:<z_index>:<id>" of a page's last element.
const encodeCursor = (element) =>
  Buffer.from(`e:${element.z_index}:${element.id}`).toString("hex");
function decodeCursor(text) {
  if (!/^(?:[0-9a-f]{2}){1,64}$/.test(text)) return null;
  const match = /^e:(-?\d+):(-?\d+)$/.exec(Buffer.from(text, "hex").toString("latin1"));
  return match ? { z: Number(match[1]), id: Number(match[2]) } : null;
}

function requestId() {
  return randomBytes(16).toString("hex");
}

function fail(reply, status, code, message, details) {
  const id = reply.getHeader("x-request-id");
  const error = { code, message, request_id: id };
  if (details) error.details = details;
  return reply.code(status).send({ error });
}

// The caller, or undefined after answering 401 (the service's authentication).
function authenticate(request, reply, span) {
  const authorization = request.headers.authorization ?? "";
  if (!authorization.startsWith("Bearer ")) {
    fail(reply, 401, "unauthorized", "a bearer token is required");
    return undefined;
  }
  const user = step(span, "authenticate", () => users.get(tokenHash(authorization.slice(7))));
  if (!user) fail(reply, 401, "unauthorized", "the token is invalid or expired");
  return user;
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
  if (tracing) {
    const route = request.routeOptions.url ?? request.url;
    tracing.startServerSpan(request, reply, `GET ${route.replace(":id", "{id}")}`);
  }
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
  const user = authenticate(request, reply, span);
  if (!user) return reply;
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

const elementSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    board_id: { type: "integer" },
    kind: { type: "string" },
    x: { type: "number" },
    y: { type: "number" },
    width: { type: "number" },
    height: { type: "number" },
    rotation: { type: "number" },
    z_index: { type: "integer" },
    style: { type: "object", additionalProperties: true },
    text: { type: "string" },
    version: { type: "integer" },
    created_by: { type: "integer" },
    created_at: { type: "string" },
    updated_at: { type: "string" },
  },
};
const elementListSchema = {
  response: {
    200: {
      type: "object",
      properties: {
        elements: { type: "array", items: elementSchema },
        next_cursor: { type: ["string", "null"] },
      },
    },
  },
};

app.get("/api/boards/:id/elements", { schema: elementListSchema }, (request, reply) => {
  const span = request.span;
  const details = [];
  let limit = PAGE_LIMIT_DEFAULT;
  let after = null;
  const query = request.query;
  if (query.limit !== undefined) {
    if (/^-?\d+$/.test(query.limit)) limit = Number(query.limit);
    else {
      const text = String(query.limit).slice(0, 32);
      details.push({ field: "limit", message: `must be a decimal integer, not '${text}'` });
    }
  }
  if (query.cursor !== undefined) {
    after = decodeCursor(String(query.cursor));
    if (!after) {
      const message = "is not a cursor of this list; pass next_cursor as given";
      details.push({ field: "cursor", message });
    }
  }
  if (query.offset !== undefined) {
    const message = "is not supported: pages follow next_cursor (as cursor)";
    details.push({ field: "offset", message });
  }
  if (details.length) {
    return fail(reply, 422, "validation_failed", "invalid query parameters", details);
  }
  const user = authenticate(request, reply, span);
  if (!user) return reply;
  if (limit < 1 || limit > PAGE_LIMIT_MAX) {
    return fail(reply, 422, "validation_failed", "the request has invalid fields", [
      { field: "limit", message: `must be between 1 and ${PAGE_LIMIT_MAX}` },
    ]);
  }
  const id = Number(request.params.id);
  const valid = Number.isSafeInteger(id) && id > 0;
  const role = valid && step(span, "authorize", () => members.get(`${id}:${user.id}`));
  if (!role) return fail(reply, 404, "not_found", "board not found");
  return step(span, "element list", () => {
    const all = elements.get(id) ?? [];
    let start = 0;
    if (after) {
      const before = (e) => e.z_index < after.z || (e.z_index === after.z && e.id <= after.id);
      while (start < all.length && before(all[start])) start++;
    }
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return { elements: page, next_cursor: more ? encodeCursor(page[page.length - 1]) : null };
  });
});

app.get("/health", () => ({ status: "ok" }));

const address = await app.listen({ host: "127.0.0.1", port: Number(process.env.PEER_PORT ?? 0) });
console.log(`ready port=${new URL(address).port}`);

process.on("SIGTERM", async () => {
  await app.close();
  if (tracing) await tracing.shutdown();
  process.exit(0);
});
