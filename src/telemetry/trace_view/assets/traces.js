// /debug/traces: the recent traces, newest first, with filters, live refresh, and the
// export pipeline's health in the header panel.
"use strict";

const REFRESH_MS = 2000;
const filters = document.getElementById("filters");
const live = document.getElementById("live");

function query() {
  const params = new URLSearchParams();
  for (const input of filters.querySelectorAll("input[name]")) {
    if (input.type === "checkbox") { if (input.checked) params.set(input.name, "1"); }
    else if (input.value.trim() !== "") params.set(input.name, input.value.trim());
  }
  return params;
}

function formatBytes(bytes) {
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " KiB";
  return (bytes / 1048576).toFixed(1) + " MiB";
}

function renderPipeline(pipeline) {
  const panel = document.getElementById("pipeline");
  const list = document.getElementById("pipeline-exporters");
  panel.classList.toggle("bad", !pipeline.healthy);
  document.getElementById("pipeline-state").textContent =
      pipeline.healthy ? "● pipeline healthy" : "● spans dropped or failing";
  const view = pipeline.view;
  document.getElementById("pipeline-summary").textContent =
      "view: " + view.traces + " traces, " + formatBytes(view.bytes) + " of " +
      formatBytes(view.max_bytes) + ", " + view.traces_evicted + " evicted" +
      (view.spans_dropped > 0 ? ", " + view.spans_dropped + " spans dropped" : "");
  list.replaceChildren();
  if (pipeline.processors.length === 0) {
    list.append(el("div", "exporter muted", "no exporter: traces are kept in this view only (set OTEL_EXPORTER_OTLP_ENDPOINT to export)"));
  }
  for (const p of pipeline.processors) {
    const row = el("div", "exporter");
    row.append(el("span", "counter", p.name));
    const counter = (label, value, bad) => {
      const c = el("span", "counter" + (bad && value > 0 ? " bad" : ""), label + " ");
      c.append(el("b", "", value));
      row.append(c);
    };
    counter("queued", p.queued); counter("exported", p.exported);
    counter("dropped", p.dropped, true); counter("failed", p.failed, true);
    counter("batches", p.batches); counter("queue", p.queue_size + "/" + p.queue_capacity);
    if (!p.last_export_ok && p.last_export_message) {
      row.append(el("span", "error-text", "last error " + formatTime(p.last_export_time_unix_nano) + ": " + p.last_export_message));
    }
    list.append(row);
  }
}

function renderTraces(data) {
  document.getElementById("service").textContent = data.service;
  const rows = document.getElementById("rows");
  const longest = Math.max(1, ...data.traces.map(t => t.duration_ns));
  rows.replaceChildren();
  for (const t of data.traces) {
    const row = el("tr");
    row.dataset.traceId = t.trace_id;
    row.append(el("td", "mono", formatTime(t.start_time_unix_nano)));
    const root = el("td", "root", t.root_name);
    root.title = t.root_name;
    row.append(root);
    const duration = el("td", "num");
    const bar = el("span", "durbar");
    bar.style.width = Math.max(2, Math.round(60 * t.duration_ns / longest)) + "px";
    duration.append(bar, document.createTextNode(formatDuration(t.duration_ns)));
    row.append(duration);
    const status = el("td");
    status.append(el("span", "pill " + (t.error ? "error" : "ok"), t.error ? "error" : "ok"));
    row.append(status);
    row.append(el("td", "num", t.span_count), el("td", "num", t.log_count));
    const kept = el("td");
    if (t.keep !== "ordinary") kept.append(el("span", "pill " + t.keep, t.keep));
    row.append(kept);
    const id = el("td", "id");
    const link = el("a", "", t.trace_id);
    link.href = "/debug/traces/" + t.trace_id;
    id.append(link);
    row.append(id);
    row.addEventListener("click", () => { location.href = link.href; });
    rows.append(row);
  }
  document.getElementById("empty").hidden = data.traces.length > 0;
  document.getElementById("count").textContent = data.traces.length + " shown";
}

let timer = null;
async function refresh() {
  clearTimeout(timer);
  try {
    const [traces, pipeline] = await Promise.all([
      fetchJson("/debug/api/traces?" + query().toString()),
      fetchJson("/debug/api/pipeline"),
    ]);
    renderTraces(traces);
    renderPipeline(pipeline);
  } catch (error) {
    document.getElementById("count").textContent = "refresh failed: " + error.message;
  }
  if (live.checked) timer = setTimeout(refresh, REFRESH_MS);
}

filters.addEventListener("input", () => refresh());
filters.addEventListener("submit", event => { event.preventDefault(); refresh(); });
live.addEventListener("change", () => refresh());
document.getElementById("goto").addEventListener("submit", event => {
  event.preventDefault();
  const id = document.getElementById("goto-id").value.trim().toLowerCase();
  if (isTraceId(id)) location.href = "/debug/traces/" + id;
});
refresh();
