// /debug/traces/{trace_id}: one trace as a waterfall (spans nested by parent, bars to
// scale, subtrees collapsible), a span's attributes, events and links on click, the
// trace's log lines in time order, and the trace as OTLP JSON to download.
"use strict";

const KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const traceId = location.pathname.split("/").pop();
const state = {spans: [], byId: new Map(), children: new Map(), collapsed: new Set(),
               selected: null, start: 0n, end: 0n, logs: []};

function spanIsError(span) { return span.status && span.status.code === 2; }

function assemble(data) {
  const spans = [];
  for (const rs of data.otlp.resourceSpans || []) {
    const service = (rs.resource.attributes || []).find(a => a.key === "service.name");
    for (const ss of rs.scopeSpans || []) {
      for (const span of ss.spans || []) {
        span.start = BigInt(span.startTimeUnixNano);
        span.end = BigInt(span.endTimeUnixNano);
        span.service = service ? anyValueText(service.value) : "";
        spans.push(span);
      }
    }
  }
  spans.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  state.spans = spans;
  for (const span of spans) state.byId.set(span.spanId, span);
  for (const span of spans) {
    // A parent we do not have (remote, or another process) makes the span a root here.
    const parent = span.parentSpanId && state.byId.has(span.parentSpanId) ? span.parentSpanId : "";
    if (!state.children.has(parent)) state.children.set(parent, []);
    state.children.get(parent).push(span);
  }
  state.start = spans.reduce((m, s) => (s.start < m ? s.start : m), spans[0].start);
  state.end = spans.reduce((m, s) => (s.end > m ? s.end : m), spans[0].end);
  state.logs = data.logs.map(entry => ({spanId: entry.span_id, line: entry.line}))
      .sort((a, b) => String(a.line.timestamp).localeCompare(String(b.line.timestamp)));
}

function percent(t) {
  const total = Number(state.end - state.start) || 1;
  return (100 * Number(t - state.start)) / total;
}

function renderSummary(data) {
  const root = state.children.get("")[0];
  const errors = state.spans.filter(spanIsError).length;
  document.title = root.name + " · trace";
  document.getElementById("title").textContent = root.name;
  const summary = document.getElementById("summary");
  const item = (label, value) => {
    const span = el("span", "", label + " ");
    span.append(el("b", "", value));
    summary.append(span);
  };
  item("trace", traceId);
  item("started", formatTime(String(state.start)));
  item("duration", formatDuration(state.end - state.start));
  item("spans", state.spans.length);
  item("errors", errors);
  item("log lines", state.logs.length);
  item("kept as", data.keep);
  item("service", root.service);
}

function renderTicks() {
  const ticks = document.getElementById("ticks");
  ticks.replaceChildren();
  const total = state.end - state.start;
  for (let i = 0; i <= 4; i++) {
    const tick = el("span", "tick", formatDuration((total * BigInt(i)) / 4n));
    tick.style.left = i * 25 + "%";
    ticks.append(tick);
  }
}

function renderWaterfall() {
  const box = document.getElementById("waterfall");
  box.replaceChildren();
  const logTimes = new Map();
  for (const entry of state.logs) {
    if (!logTimes.has(entry.spanId)) logTimes.set(entry.spanId, []);
    const t = Date.parse(entry.line.timestamp);
    if (!Number.isNaN(t)) logTimes.get(entry.spanId).push(BigInt(t) * 1000000n);
  }
  const walk = (span, depth) => {
    const kids = state.children.get(span.spanId) || [];
    const row = el("div", "span-row" + (spanIsError(span) ? " error" : "") +
                          (state.selected === span.spanId ? " selected" : ""));
    row.setAttribute("role", "treeitem");
    row.dataset.spanId = span.spanId;
    const name = el("div", "span-name");
    name.style.paddingLeft = 10 + depth * 16 + "px";
    const toggle = el("span", "toggle", kids.length ? (state.collapsed.has(span.spanId) ? "▸" : "▾") : "");
    toggle.addEventListener("click", event => {
      event.stopPropagation();
      if (state.collapsed.has(span.spanId)) state.collapsed.delete(span.spanId);
      else state.collapsed.add(span.spanId);
      renderWaterfall();
    });
    name.append(toggle);
    if (spanIsError(span)) name.append(el("span", "err-mark", "!"));
    const label = el("span", "label", span.name);
    label.title = span.name;
    name.append(label);
    if (depth === 0) name.append(el("span", "service", span.service));
    const track = el("div", "span-track");
    const bar = el("div", "span-bar" + (span.kind === 3 ? " client" : "") + (spanIsError(span) ? " error" : ""));
    const left = percent(span.start);
    bar.style.left = left + "%";
    bar.style.width = Math.max(0, percent(span.end) - left) + "%";
    track.append(bar);
    for (const t of logTimes.get(span.spanId) || []) {
      if (t < state.start || t > state.end) continue;
      const dot = el("div", "log-dot");
      dot.style.left = percent(t) + "%";
      track.append(dot);
    }
    const dur = el("span", "span-dur", formatDuration(span.end - span.start));
    if (left > 70) { dur.style.right = (100 - left) + 1 + "%"; } else { dur.style.left = percent(span.end) + 1 + "%"; }
    track.append(dur);
    row.append(name, track);
    row.addEventListener("click", () => select(span.spanId));
    box.append(row);
    if (!state.collapsed.has(span.spanId)) for (const kid of kids) walk(kid, depth + 1);
  };
  for (const root of state.children.get("") || []) walk(root, 0);
}

function keyValueTable(attributes) {
  const table = el("table", "kv");
  for (const attribute of attributes || []) {
    const row = el("tr");
    row.append(el("td", "", attribute.key), el("td", "", anyValueText(attribute.value)));
    table.append(row);
  }
  return table;
}

function renderDetails(span) {
  const box = document.getElementById("details");
  box.hidden = false;
  box.replaceChildren();
  box.append(el("h2", "", span.name));
  const facts = [
    {key: "span id", value: {stringValue: span.spanId}},
    {key: "parent span id", value: {stringValue: span.parentSpanId || "(root)"}},
    {key: "kind", value: {stringValue: KINDS[span.kind] || String(span.kind)}},
    {key: "start", value: {stringValue: formatTime(String(span.start))}},
    {key: "duration", value: {stringValue: formatDuration(span.end - span.start)}},
    {key: "status", value: {stringValue: ["unset", "ok", "error"][span.status ? span.status.code || 0 : 0] +
                                         (span.status && span.status.message ? ": " + span.status.message : "")}},
  ];
  box.append(keyValueTable(facts));
  box.append(el("h3", "", "Attributes"), keyValueTable(span.attributes));
  if (span.events && span.events.length) {
    box.append(el("h3", "", "Events"));
    for (const event of span.events) {
      box.append(el("div", "mono", formatTime(event.timeUnixNano) + "  " + event.name));
      box.append(keyValueTable(event.attributes));
    }
  }
  if (span.links && span.links.length) {
    box.append(el("h3", "", "Links"));
    for (const link of span.links) {
      const a = el("a", "mono", link.traceId + " / " + link.spanId);
      a.href = "/debug/traces/" + link.traceId;
      box.append(a, keyValueTable(link.attributes));
    }
  }
}

function select(spanId) {
  state.selected = spanId;
  renderWaterfall();
  renderLogs();
  const span = state.byId.get(spanId);
  if (span) renderDetails(span);
}

function renderLogs() {
  const box = document.getElementById("logs");
  box.replaceChildren();
  document.getElementById("log-count").textContent = state.logs.length + " lines";
  const reserved = new Set(["timestamp", "level", "target", "message", "trace_id", "span_id", "request_id", "user_id"]);
  for (const entry of state.logs) {
    const line = entry.line;
    const row = el("div", "log" + (entry.spanId === state.selected ? " selected" : ""));
    row.dataset.spanId = entry.spanId;
    const time = String(line.timestamp || "");
    row.append(el("span", "", time.slice(11, 23)));
    row.append(el("span", "lvl-" + line.level, String(line.level || "").toUpperCase()));
    row.append(el("span", "", line.target));
    const text = el("span", "");
    text.append(document.createTextNode(String(line.message) + " "));
    const fields = el("span", "fields");
    for (const [key, value] of Object.entries(line)) {
      if (reserved.has(key)) continue;
      fields.append(el("b", "", key + "="), document.createTextNode(
          (typeof value === "string" ? value : JSON.stringify(value)) + " "));
    }
    const owner = state.byId.get(entry.spanId);
    if (owner) fields.append(el("b", "", "span="), document.createTextNode(owner.name));
    text.append(fields);
    row.append(text);
    row.addEventListener("click", () => { if (state.byId.has(entry.spanId)) select(entry.spanId); });
    box.append(row);
  }
}

function setUpActions(data) {
  // Served with Content-Disposition: attachment, so the browser saves it.
  const download = document.getElementById("download");
  download.href = "/debug/api/traces/" + traceId + "/otlp";
  download.hidden = false;
  if (data.link && /^https?:\/\//.test(data.link)) {
    const external = document.getElementById("external");
    external.href = data.link;
    external.hidden = false;
  }
}

// A trace is listed a moment after its request ends (its spans settle first), so a
// trace opened straight from a response header is asked for again for a few seconds.
async function load(attempt = 0) {
  if (!isTraceId(traceId)) {
    showMessage("Not a trace id: " + traceId);
    return;
  }
  let data;
  try {
    data = await fetchJson("/debug/api/traces/" + traceId);
  } catch (error) {
    if (error.message.startsWith("404") && attempt < 10) {
      showMessage("Waiting for trace " + traceId + "…");
      setTimeout(() => load(attempt + 1), 400);
      return;
    }
    showMessage("Trace " + traceId + " is not in the view: " + error.message +
                ". Old ordinary traces are evicted first when the view is full.");
    return;
  }
  document.getElementById("message").hidden = true;
  assemble(data);
  if (state.spans.length === 0) { showMessage("This trace has no spans."); return; }
  renderSummary(data);
  renderTicks();
  renderWaterfall();
  renderLogs();
  setUpActions(data);
}

function showMessage(text) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.hidden = false;
}

load();
