// A WebSocket client pool that a test drives line by line: each line on stdin is a
// JSON command, each answer one JSON line on stdout. The test (Python, with the
// service harness) decides what to send and asserts on what arrived.
//
//   {"op":"open","name":"a","url":"ws://...","headers":{...},"protocols":[...]}
//     -> {"ok":true,"headers":{...101 response}} once open, or {"ok":false,"status":401,"body":"..."}
//   {"op":"send","name":"a","msg":{...}}        a JSON text frame
//   {"op":"send_many","sends":[{"name":"a","msg":{...}},...]}  all in one go, in order
//   {"op":"send_raw","name":"a","text":"..."}   any text frame
//   {"op":"send_big","name":"a","bytes":70000}  one text frame of that size
//   {"op":"messages","name":"a"}                -> {"ok":true,"messages":[...all so far]}
//   {"op":"state","name":"a"}                   -> {"ok":true,"closed":bool,"code":n,"reason":s}
//   {"op":"pause","name":"a"} / {"op":"resume","name":"a"}   stop / restart reading
//   {"op":"close","name":"a","code":1000}
import readline from "node:readline";
import WebSocket from "ws";

const clients = new Map();

function reply(answer) {
  process.stdout.write(JSON.stringify(answer) + "\n");
}

function open(command) {
  const state = { messages: [], closed: false, code: null, reason: "" };
  const ws = new WebSocket(command.url, command.protocols || [], {
    headers: command.headers || {},
    maxPayload: 64 * 1024 * 1024,
  });
  state.ws = ws;
  clients.set(command.name, state);
  let answered = false;
  let headers = {};
  ws.on("upgrade", (response) => {
    headers = response.headers;
  });
  ws.on("open", () => {
    answered = true;
    reply({ ok: true, protocol: ws.protocol, headers });
  });
  ws.on("unexpected-response", (request, response) => {
    let body = "";
    response.on("data", (chunk) => (body += chunk));
    response.on("end", () => {
      answered = true;
      reply({ ok: false, status: response.statusCode, body });
    });
  });
  ws.on("message", (data) => {
    try {
      state.messages.push(JSON.parse(data.toString()));
    } catch {
      state.messages.push({ unparsed: data.toString() });
    }
  });
  ws.on("close", (code, reason) => {
    state.closed = true;
    state.code = code;
    state.reason = reason.toString();
  });
  ws.on("error", (error) => {
    state.error = String(error);
    if (!answered) {
      answered = true;
      reply({ ok: false, error: String(error) });
    }
  });
}

function run(command) {
  if (command.op === "open") return open(command);
  if (command.op === "send_many") {
    for (const { name, msg } of command.sends) clients.get(name).ws.send(JSON.stringify(msg));
    return reply({ ok: true });
  }
  const state = clients.get(command.name);
  if (!state) return reply({ ok: false, error: `no client ${command.name}` });
  switch (command.op) {
    case "send":
      state.ws.send(JSON.stringify(command.msg));
      return reply({ ok: true });
    case "send_raw":
      state.ws.send(command.text);
      return reply({ ok: true });
    case "send_big":
      state.ws.send(JSON.stringify({ type: "ping", pad: "x".repeat(command.bytes) }));
      return reply({ ok: true });
    case "messages":
      return reply({ ok: true, messages: state.messages });
    case "state":
      return reply({ ok: true, closed: state.closed, code: state.code, reason: state.reason });
    case "pause":
      state.ws._socket.pause();
      return reply({ ok: true });
    case "resume":
      state.ws._socket.resume();
      return reply({ ok: true });
    case "close":
      state.ws.close(command.code || 1000);
      return reply({ ok: true });
    default:
      return reply({ ok: false, error: `unknown op ${command.op}` });
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim()) run(JSON.parse(line));
});
lines.on("close", () => {
  for (const state of clients.values()) state.ws.terminate();
  process.exit(0);
});
