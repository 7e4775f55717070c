// Strict checks of an OTLP/JSON request before it is decoded. protobufjs alone is too
// forgiving to catch a wrong mapping: it would read a base64 id as bytes, a string
// enum by name and silently drop a snake_case field. The OTLP JSON rules checked
// here: ids are lowercase hex, enums are integers, field names are lowerCamelCase
// (any name the schema does not know is an error). 64-bit integers written as JSON
// numbers are legal proto3 JSON but lose precision, so they are noted, not refused.

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

function eachSpan(request, visit) {
  (request.resourceSpans ?? []).forEach((rs, r) =>
    (rs?.scopeSpans ?? []).forEach((ss, s) =>
      (ss?.spans ?? []).forEach((span, i) => visit(span, `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`)),
    ),
  );
}

function checkId(value, pattern, path, fatal, allowEmpty) {
  if (value === undefined || value === null) return;
  if (allowEmpty && value === "") return;
  if (typeof value !== "string" || !pattern.test(value)) {
    fatal.push(`${path} must be ${pattern === HEX32 ? 32 : 16} lowercase hex digits, got ${JSON.stringify(value)}`);
  }
}

function checkEnum(value, path, fatal) {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fatal.push(`${path} must be an integer enum value, got ${JSON.stringify(value)}`);
  }
}

function checkInt64(value, path, notes) {
  if (typeof value === "number") notes.push(`${path} is a JSON number; int64 should be a decimal string`);
}

function checkAnyValues(attributes, path, notes) {
  (attributes ?? []).forEach((kv, i) => {
    const walk = (v, p) => {
      if (!v || typeof v !== "object") return;
      if ("intValue" in v) checkInt64(v.intValue, `${p}.intValue`, notes);
      for (const [j, inner] of (v.arrayValue?.values ?? []).entries()) walk(inner, `${p}.arrayValue.values[${j}]`);
    };
    walk(kv?.value, `${path}.attributes[${i}].value`);
  });
}

// Every key of `input` must survive a trip through the schema (fromObject/toObject):
// the schema drops names it does not know.
function compareKeys(input, output, path, fatal) {
  if (Array.isArray(input)) {
    input.forEach((item, i) => compareKeys(item, Array.isArray(output) ? output[i] : undefined, `${path}[${i}]`, fatal));
    return;
  }
  if (!input || typeof input !== "object" || Buffer.isBuffer(input)) return;
  for (const [key, value] of Object.entries(input)) {
    if (value === null) continue;
    if (!output || typeof output !== "object" || !(key in output)) {
      fatal.push(`${path}.${key} is not a field of the OTLP schema (lowerCamelCase expected)`);
      continue;
    }
    compareKeys(value, output[key], `${path}.${key}`, fatal);
  }
}

// A copy of the request with hex ids turned into bytes, as the schema wants them.
export function hexToBytes(request) {
  const copy = structuredClone(request);
  const bytes = (o, key) => {
    if (typeof o?.[key] === "string") o[key] = Buffer.from(o[key], "hex");
  };
  eachSpan(copy, (span) => {
    bytes(span, "traceId");
    bytes(span, "spanId");
    bytes(span, "parentSpanId");
    for (const link of span.links ?? []) {
      bytes(link, "traceId");
      bytes(link, "spanId");
    }
  });
  return copy;
}

export function checkJsonRequest(request, RequestType) {
  const fatal = [];
  const notes = [];
  if (!request || typeof request !== "object" || Array.isArray(request)) {
    return { fatal: ["the body is not a JSON object"], notes };
  }
  eachSpan(request, (span, path) => {
    checkId(span.traceId, HEX32, `${path}.traceId`, fatal, false);
    checkId(span.spanId, HEX16, `${path}.spanId`, fatal, false);
    checkId(span.parentSpanId, HEX16, `${path}.parentSpanId`, fatal, true);
    checkEnum(span.kind, `${path}.kind`, fatal);
    checkEnum(span.status?.code, `${path}.status.code`, fatal);
    checkInt64(span.startTimeUnixNano, `${path}.startTimeUnixNano`, notes);
    checkInt64(span.endTimeUnixNano, `${path}.endTimeUnixNano`, notes);
    checkAnyValues(span.attributes, path, notes);
    (span.events ?? []).forEach((e, i) => {
      checkInt64(e?.timeUnixNano, `${path}.events[${i}].timeUnixNano`, notes);
      checkAnyValues(e?.attributes, `${path}.events[${i}]`, notes);
    });
    (span.links ?? []).forEach((l, i) => {
      checkId(l?.traceId, HEX32, `${path}.links[${i}].traceId`, fatal, false);
      checkId(l?.spanId, HEX16, `${path}.links[${i}].spanId`, fatal, false);
      checkAnyValues(l?.attributes, `${path}.links[${i}]`, notes);
    });
  });
  (request.resourceSpans ?? []).forEach((rs, r) =>
    checkAnyValues(rs?.resource?.attributes, `resourceSpans[${r}].resource`, notes),
  );
  if (fatal.length > 0) return { fatal, notes };
  try {
    const roundTrip = RequestType.toObject(RequestType.fromObject(hexToBytes(request)), {
      longs: String,
      enums: Number,
      bytes: String,
      defaults: false,
    });
    compareKeys(request, roundTrip, "request", fatal);
  } catch (e) {
    fatal.push(`the schema refused the request: ${e.message}`);
  }
  return { fatal, notes };
}
