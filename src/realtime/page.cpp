#include "realtime/page.hpp"

namespace realtime {

namespace {

constexpr char kPage[] = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>realtime-board</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; background: #f4f4f0; }
  header { padding: 8px 12px; background: #263238; color: #fff; display: flex; gap: 8px; align-items: center; }
  header input, header button, header select { font: inherit; }
  #status { margin-left: auto; opacity: .8; }
  #canvas { position: relative; height: calc(100vh - 48px); overflow: hidden; }
  .note { position: absolute; background: #ffeb3b; box-shadow: 0 1px 3px #0004; padding: 6px;
          box-sizing: border-box; cursor: move; white-space: pre-wrap; overflow: hidden; }
  .cursor { position: absolute; pointer-events: none; font-size: 11px; color: #c2185b; }
  .hidden { display: none; }
  #role { padding: 2px 8px; border-radius: 4px; background: #455a64; }
  #role.viewer { background: #b71c1c; }
  body.readonly .note { cursor: default; opacity: .85; }
</style>
</head>
<body>
<header>
  <span id="login">
    <input id="username" placeholder="username"> <input id="password" type="password" placeholder="password">
    <button id="signin">Log in</button> <button id="register">Register</button>
  </span>
  <span id="boards" class="hidden">
    <select id="board"></select> <button id="open">Open</button>
    <input id="name" placeholder="new board"> <button id="create">Create</button>
    <button id="add" disabled>Add note</button>
    <span id="role" class="hidden"></span>
  </span>
  <span id="status">signed out</span>
</header>
<div id="canvas"></div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let token = null, socket = null, boardId = null, lastSeq = null, counter = 0;
let me = null, role = null;  // the signed-in username; the role on the open board
const notes = new Map();    // element id -> {element, div}
const cursors = new Map();  // connection id -> div

function hex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}
const traceparent = () => `00-${hex(16)}-${hex(8)}-01`;

function report(message) {
  $("status").textContent = message;
  fetch("/api/telemetry/client", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify([{ level: "error", message: String(message).slice(0, 4000), timestamp: new Date().toISOString() }]),
  }).catch(() => {});
}
window.addEventListener("error", (e) => report(e.message));

async function api(method, path, body) {
  const response = await fetch(path, {
    method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(data && data.error ? data.error.message : response.statusText);
  return data;
}

async function signIn(register) {
  const credentials = { username: $("username").value, password: $("password").value };
  try {
    if (register) await api("POST", "/api/auth/register", credentials);
    token = (await api("POST", "/api/auth/login", credentials)).token;
    me = credentials.username.toLowerCase();
    $("login").classList.add("hidden");
    $("boards").classList.remove("hidden");
    $("status").textContent = `signed in as ${credentials.username}`;
    await listBoards();
  } catch (error) { report(error.message); }
}

async function listBoards(select) {
  const { boards } = await api("GET", "/api/boards?limit=100");
  $("board").innerHTML = boards.map((b) => `<option value="${b.id}">${b.name.replace(/</g, "&lt;")}</option>`).join("");
  if (select) $("board").value = select;
}

// A viewer sees the board and moves their cursor but cannot edit; the role changes
// live when an owner demotes or promotes them (member.updated).
const canEdit = () => role !== null && role !== "viewer";
function setRole(next) {
  role = next;
  const readOnly = !canEdit();
  document.body.classList.toggle("readonly", readOnly);
  $("role").classList.remove("hidden");
  $("role").classList.toggle("viewer", role === "viewer");
  $("role").textContent = role === "viewer" ? "viewer: read-only" : role;
  $("add").disabled = readOnly || !socket || socket.readyState !== 1;
}

function send(message) {
  message.id = `m${++counter}`;
  message.traceparent = traceparent();
  socket.send(JSON.stringify(message));
}

function show(element) {
  let note = notes.get(element.id);
  if (!note) {
    const div = document.createElement("div");
    div.className = "note";
    div.dataset.id = element.id;
    $("canvas").appendChild(div);
    note = { div };
    notes.set(element.id, note);
    drag(note);
    div.addEventListener("dblclick", () => {
      if (!canEdit()) return;
      const text = prompt("Text", note.element.text);
      if (text !== null) send({ type: "element.update", element_id: element.id, patch: { version: note.element.version, text } });
    });
  }
  if (note.element && note.element.version > element.version) return;
  note.element = element;
  Object.assign(note.div.style, { left: `${element.x}px`, top: `${element.y}px`, width: `${element.width}px`, height: `${element.height}px` });
  note.div.textContent = element.text;
}

function drag(note) {
  note.div.addEventListener("pointerdown", (down) => {
    if (!canEdit()) return;
    const start = { x: down.clientX, y: down.clientY, left: note.element.x, top: note.element.y };
    const move = (e) => { note.div.style.left = `${start.left + e.clientX - start.x}px`; note.div.style.top = `${start.top + e.clientY - start.y}px`; };
    const up = (e) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      const x = start.left + e.clientX - start.x, y = start.top + e.clientY - start.y;
      if (x !== start.left || y !== start.top) send({ type: "element.update", element_id: note.element.id, patch: { version: note.element.version, x, y } });
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  });
}

function receive(message) {
  if (message.seq !== undefined && message.type !== "catch_up") lastSeq = message.seq;
  switch (message.type) {
    case "snapshot":
      if (message.part === 1) { notes.forEach((n) => n.div.remove()); notes.clear(); }
      message.elements.forEach(show);
      break;
    case "element.created": case "element.updated": show(message.element); break;
    case "element.deleted": { const n = notes.get(message.element_id); if (n) { n.div.remove(); notes.delete(message.element_id); } break; }
    case "cursor.moved.batch": message.moves.forEach(receive); break;
    case "member.updated":
      if (message.member.username.toLowerCase() === me) setRole(message.member.role);
      break;
    case "cursor.moved": {
      let div = cursors.get(message.connection_id);
      if (!div) { div = document.createElement("div"); div.className = "cursor"; $("canvas").appendChild(div); cursors.set(message.connection_id, div); }
      div.textContent = `▲ ${message.username}`;
      Object.assign(div.style, { left: `${message.x}px`, top: `${message.y}px` });
      break;
    }
    case "presence.left": { const div = cursors.get(message.connection_id); if (div) { div.remove(); cursors.delete(message.connection_id); } break; }
    case "error": report(`${message.error.code}: ${message.error.message}`); break;
  }
}

function open(id) {
  if (socket) socket.close();
  if (id !== boardId) { lastSeq = null; }
  boardId = id;
  const since = lastSeq === null ? "" : `&since=${lastSeq}`;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws/boards/${id}?cursors=batched&access_token=${encodeURIComponent(token)}${since}`);
  socket.onopen = () => {
    $("status").textContent = `live on board ${id}`;
    api("GET", `/api/boards/${id}`).then((board) => setRole(board.role)).catch((error) => report(error.message));
  };
  socket.onmessage = (e) => receive(JSON.parse(e.data));
  socket.onclose = (e) => {
    $("add").disabled = true;
    if (e.code === 1000 || e.code === 1005) return;  // closed on purpose
    $("status").textContent = `disconnected (${e.code}); reconnecting`;
    setTimeout(() => { if (boardId === id) open(id); }, 1000);
  };
}

let lastMove = 0;
$("canvas").addEventListener("pointermove", (e) => {
  const now = Date.now();
  if (!socket || socket.readyState !== 1 || now - lastMove < 50) return;
  lastMove = now;
  const box = $("canvas").getBoundingClientRect();
  socket.send(JSON.stringify({ type: "cursor.move", traceparent: traceparent(), x: e.clientX - box.left, y: e.clientY - box.top }));
});
$("signin").onclick = () => signIn(false);
$("register").onclick = () => signIn(true);
$("open").onclick = () => open(Number($("board").value));
$("create").onclick = async () => {
  try { const board = await api("POST", "/api/boards", { name: $("name").value || "Board" }); await listBoards(board.id); open(board.id); }
  catch (error) { report(error.message); }
};
$("add").onclick = () => send({ type: "element.create", element: {
  kind: "sticky_note", x: 40 + Math.round(Math.random() * 400), y: 40 + Math.round(Math.random() * 300), width: 160, height: 100, text: "New note" } });
</script>
</body>
</html>
)PAGE";

boost::asio::awaitable<http::Response> serve_page(http::Request&, const telemetry::Context&) {
  http::Response response(http::beast_http::status::ok, 11);
  response.set(http::beast_http::field::content_type, "text/html; charset=utf-8");
  response.set(http::beast_http::field::cache_control, "no-cache");
  response.body() = kPage;
  co_return response;
}

}  // namespace

void register_page(http::Router& router) {
  router.add(http::beast_http::verb::get, "/", serve_page);
}

}  // namespace realtime
