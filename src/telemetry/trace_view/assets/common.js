// Helpers shared by the trace view's pages. Everything shown is set as text
// (textContent), never parsed as HTML: a value holding markup is shown as it is.
"use strict";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function formatDuration(ns) {
  const ms = Number(ns) / 1e6;
  if (ms < 1) return (ms * 1000).toFixed(0) + " µs";
  if (ms < 100) return ms.toFixed(2) + " ms";
  if (ms < 10000) return ms.toFixed(0) + " ms";
  return (ms / 1000).toFixed(2) + " s";
}

// Wall-clock nanoseconds (a decimal string) to local time with milliseconds.
function formatTime(nanosText) {
  const ms = Number(BigInt(nanosText) / 1000000n);
  const date = new Date(ms);
  const pad = (n, w) => String(n).padStart(w || 2, "0");
  return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
         "." + pad(date.getMilliseconds(), 3);
}

async function fetchJson(url) {
  const response = await fetch(url, {cache: "no-store", credentials: "same-origin"});
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.error ? body.error.message : response.statusText;
    throw new Error(response.status + ": " + message);
  }
  return body;
}

// An OTLP AnyValue as display text.
function anyValueText(value) {
  if (!value) return "";
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return String(value.intValue);
  if ("doubleValue" in value) return String(value.doubleValue);
  if ("boolValue" in value) return String(value.boolValue);
  if ("arrayValue" in value) return "[" + (value.arrayValue.values || []).map(anyValueText).join(", ") + "]";
  return JSON.stringify(value);
}

function isTraceId(text) { return /^[0-9a-f]{32}$/.test(text); }
