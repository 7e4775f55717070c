// Fan-out benchmark of the real-time layer: N clients on one board, one of them
// editing at a fixed rate (stored: element.update) and M moving cursors at a rate
// each (not stored). Every client runs in this one Node process, so send and
// receive times come from one clock; the process's own event loop adds to the
// latencies, which are therefore an upper bound.
//
//   node bench/realtime_fanout.mjs --url http://127.0.0.1:8080 --pid <service pid> \
//        [--clients 100] [--cursors 20] [--cursor-rate 30] [--edit-rate 20] [--seconds 10]
//        [--phase aligned|spread]   (aligned: the cursor timers fire together; spread: offset evenly)
//
// The service must run with BOARD_PASSWORD_HASH=min (it registers a user per client).
// Prints one JSON object: messages delivered per second, p50/p99 send-to-receipt in
// ms at the other clients, and the service's CPU per delivered message, for edits
// and cursors.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const require = createRequire(new URL("../tests/realtime/package.json", import.meta.url));
const WebSocket = require("ws");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const base = args.url || "http://127.0.0.1:8080";
const clients = Number(args.clients || 100);
const cursorClients = Number(args.cursors || 20);
const cursorRate = Number(args["cursor-rate"] || 30);
const editRate = Number(args["edit-rate"] || 20);
const seconds = Number(args.seconds || 10);
const pid = args.pid;
const phase = args.phase || "aligned";

async function api(method, path, body, token) {
  const response = await fetch(base + path, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

function cpuSeconds() {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime + stime, in ticks
}

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const run = Date.now().toString(36);
const users = [];
for (let i = 0; i < clients; i++) {
  const username = `bench${run}_${i}`;
  await api("POST", "/api/auth/register", { username, password: "bench password 1" });
  const { token } = await api("POST", "/api/auth/login", { username, password: "bench password 1" });
  users.push({ username, token });
}
const board = await api("POST", "/api/boards", { name: "fan-out" }, users[0].token);
for (let i = 1; i < clients; i++) {
  await api("POST", `/api/boards/${board.id}/members`, { username: users[i].username, role: "editor" }, users[0].token);
}
const element = await api("POST", `/api/boards/${board.id}/elements`,
  { kind: "sticky_note", x: 0, y: 0, width: 100, height: 100, text: "0" }, users[0].token);

const latency = { edit: [], cursor: [] };
let measuring = false;
const sockets = await Promise.all(users.map((user, i) => new Promise((resolve, reject) => {
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws/boards/${board.id}`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  ws.on("open", () => resolve(ws));
  ws.on("error", reject);
  ws.on("message", (data) => {
    if (!measuring) return;
    const now = performance.now();
    const message = JSON.parse(data.toString());
    if (message.type === "element.updated" && i !== 0) {
      latency.edit.push(now - Number(message.element.text));
    } else if (message.type === "cursor.moved") {
      latency.cursor.push(now - message.x);
    }
  });
})));

await new Promise((resolve) => setTimeout(resolve, 500));  // snapshots and presence settle
measuring = true;
const cpuBefore = cpuSeconds();
const started = performance.now();
let version = element.version;
const timers = [];
timers.push(setInterval(() => {
  sockets[0].send(JSON.stringify({
    type: "element.update", element_id: element.id,
    patch: { version: version++, text: String(performance.now()) },
  }));
}, 1000 / editRate));
for (let c = 1; c <= cursorClients; c++) {
  const move = () => sockets[c].send(JSON.stringify({ type: "cursor.move", x: performance.now(), y: c }));
  const offset = phase === "spread" ? ((c - 1) * 1000) / cursorRate / cursorClients : 0;
  timers.push(setTimeout(() => timers.push(setInterval(move, 1000 / cursorRate)), offset));
}
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
timers.forEach(clearInterval);
timers.forEach(clearTimeout);
await new Promise((resolve) => setTimeout(resolve, 500));  // in-flight messages land
measuring = false;
const elapsed = (performance.now() - started) / 1000;
const cpu = cpuSeconds() - cpuBefore;
const delivered = latency.edit.length + latency.cursor.length;
const report = (values) => ({
  delivered_per_second: Math.round(values.length / elapsed),
  p50_ms: percentile(values, 50),
  p99_ms: percentile(values, 99),
});
console.log(JSON.stringify({
  clients, cursor_clients: cursorClients, cursor_rate: cursorRate, edit_rate: editRate,
  seconds: Math.round(elapsed * 10) / 10,
  edits: report(latency.edit),
  cursors: report(latency.cursor),
  service_cpu_seconds: cpu,
  service_cpu_us_per_delivered: pid ? Math.round((cpu / delivered) * 1e6 * 10) / 10 : null,
}));
sockets.forEach((ws) => ws.terminate());
