// The trace view's pages are quick with real amounts of data, in a real browser
// (Debian's chromium, headless): the list shows 1,000 traces, and a trace of at least
// 1,000 spans opens as a waterfall, each in under a second from navigation to the
// rendered rows (performance.now() in the page when the rows are all there). Each page
// is loaded three times; the median is asserted and all times are printed.
//
// The 1,000-span trace is many requests sharing one incoming traceparent: each
// request's server span is a local root of that trace, its database spans nested under
// it, as when a client sends a batch of calls under one trace.
//
// Environment: RB_BINARY (the service), RB_ARTIFACT_DIR, RB_SCRATCH_DIR.
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { artifactDir, binaryOrSkip, startService } from './service.mjs';

const LIST_TRACES = 1000;
const TRACE_SPANS = 1000;
const LIMIT_MS = 1000;
const binary = binaryOrSkip();
const artifacts = artifactDir();

async function api(base, method, path, body, headers = {}) {
  const response = await fetch(base + path, {
    method, headers: { 'content-type': 'application/json', ...headers },
    body: body && JSON.stringify(body) });
  return { status: response.status, body: await response.json().catch(() => null) };
}

// Runs `count` calls of `call(i)`, `width` at a time.
async function inParallel(count, width, call) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await call(next++);
  }));
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Loads `url` and returns the page's own time from navigation until `count` elements
// match `selector`.
async function timeToRows(page, url, selector, count) {
  await page.goto(url);
  await page.waitForFunction(([s, n]) => document.querySelectorAll(s).length >= n,
                             [selector, count], { timeout: 30000, polling: 'raf' });
  return page.evaluate(() => performance.now());
}

const { child, base } = await startService(binary, 'browser-speed-');
let browser;
try {
  const user = { username: `speed_${process.pid}`, password: 'correct horse battery' };
  assert.equal((await api(base, 'POST', '/api/auth/register', user)).status, 201);
  const token = (await api(base, 'POST', '/api/auth/login', user)).body.token;
  const auth = { authorization: `Bearer ${token}` };
  const board = await api(base, 'POST', '/api/boards', { name: 'Page speed' }, auth);
  assert.equal(board.status, 201);
  const path = `/api/boards/${board.body.id}`;

  // One trace of at least TRACE_SPANS spans: requests under one incoming traceparent.
  const bigTrace = 'b'.repeat(8) + Date.now().toString(16).padStart(24, '0');
  const parent = `00-${bigTrace}-${'c'.repeat(16)}-01`;
  let spans = 0;
  while (spans < TRACE_SPANS) {
    await inParallel(50, 8, async () => {
      assert.equal((await api(base, 'GET', path, null, { ...auth, traceparent: parent })).status, 200);
    });
    await sleep(300); // the trace settles, then later spans join it
    const trace = await fetch(`${base}/debug/api/traces/${bigTrace}`);
    if (trace.status === 200) {
      const { otlp } = await trace.json();
      spans = otlp.resourceSpans.flatMap(rs => rs.scopeSpans).flatMap(ss => ss.spans).length;
    }
  }

  // At least LIST_TRACES more traces, one per request.
  await inParallel(LIST_TRACES, 8, async () => {
    assert.equal((await api(base, 'GET', path, null, auth)).status, 200);
  });
  for (let i = 0; i < 50; i++) {
    const listed = await (await fetch(`${base}/debug/api/traces?limit=5000`)).json();
    if (listed.traces.length >= LIST_TRACES + 1) break;
    await sleep(100);
  }

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const problems = [];
  page.on('pageerror', error => problems.push(error.message));
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()); });

  const listTimes = [], traceTimes = [];
  for (let round = 0; round < 3; round++) {
    listTimes.push(await timeToRows(page, `${base}/debug/traces`, '#rows tr', LIST_TRACES));
    traceTimes.push(await timeToRows(page, `${base}/debug/traces/${bigTrace}`, '#waterfall .span-row',
                                     TRACE_SPANS));
  }
  await page.screenshot({ path: join(artifacts, 'trace-1000-spans.png') });
  const shown = await page.locator('#waterfall .span-row').count();
  const round = values => values.map(v => Math.round(v));
  console.log(`list of ${LIST_TRACES} traces: ${round(listTimes).join(', ')} ms (median ` +
              `${Math.round(median(listTimes))}); trace of ${shown} spans: ` +
              `${round(traceTimes).join(', ')} ms (median ${Math.round(median(traceTimes))})`);
  assert.ok(median(listTimes) < LIMIT_MS, `the list took ${median(listTimes)} ms`);
  assert.ok(median(traceTimes) < LIMIT_MS, `the trace took ${median(traceTimes)} ms`);
  assert.deepEqual(problems, [], 'no script errors or CSP violations');
} finally {
  if (browser) await browser.close();
  child.kill('SIGTERM');
}
