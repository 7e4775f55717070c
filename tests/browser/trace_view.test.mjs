// The trace view in a real browser (Debian's chromium, headless): make an API request,
// find its trace on /debug/traces by the x-trace-id the response carried, open it, and
// check what an engineer looks for: the server span with its database spans nested
// under it, the request's log lines, and a span's attributes on click, a <script> in
// one of them shown as text. Screenshots go to RB_ARTIFACT_DIR.
//
// Environment: RB_BINARY (the service), RB_ARTIFACT_DIR, RB_SCRATCH_DIR.
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { artifactDir, binaryOrSkip, startService } from './service.mjs';

const SCRIPT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const binary = binaryOrSkip();
const artifacts = artifactDir();

async function api(base, method, path, body, token) {
  const headers = { 'content-type': 'application/json', 'user-agent': SCRIPT };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
  return { status: response.status, traceId: response.headers.get('x-trace-id'),
           body: await response.json().catch(() => null) };
}

const { child, base } = await startService(binary, 'browser-', {
  LOG_LEVEL: 'debug', BOARD_DEBUG_FAULTS: '1',
  BOARD_TRACE_LINK_TEMPLATE: 'https://grafana.example/explore?traceId={trace_id}' });
let browser;
try {
  const user = { username: `viewer_${process.pid}`, password: 'correct horse battery' };
  assert.equal((await api(base, 'POST', '/api/auth/register', user)).status, 201);
  const login = await api(base, 'POST', '/api/auth/login', user);
  const token = login.body.token;
  const board = await api(base, 'POST', '/api/boards', { name: 'Seen in the trace view' }, token);
  assert.equal(board.status, 201);
  const read = await api(base, 'GET', `/api/boards/${board.body.id}`, null, token);
  assert.equal(read.status, 200);
  const traceId = read.traceId;
  assert.match(traceId, /^[0-9a-f]{32}$/);

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const problems = [];
  page.on('pageerror', error => problems.push(error.message));
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()); });

  await page.goto(base + '/debug/traces');
  const row = page.locator(`tr[data-trace-id="${traceId}"]`);
  await row.waitFor({ timeout: 10000 });
  assert.match(await row.innerText(), /GET \/api\/boards\/\{id\}/);
  await page.screenshot({ path: join(artifacts, 'traces-list.png'), fullPage: true });

  await row.click();
  await page.waitForURL(`**/debug/traces/${traceId}`);
  const server = page.locator('.span-row', { hasText: 'GET /api/boards/{id}' }).first();
  await server.waitFor({ timeout: 10000 });
  // Nested: the database spans come after the server span, indented deeper.
  const rows = await page.locator('.span-row').evaluateAll(nodes => nodes.map(node => ({
    name: node.querySelector('.label').textContent,
    indent: parseFloat(node.querySelector('.span-name').style.paddingLeft),
  })));
  const root = rows.findIndex(r => r.name === 'GET /api/boards/{id}');
  assert.equal(root, 0, JSON.stringify(rows));
  const database = rows.filter(r => /^SELECT /.test(r.name));
  assert.ok(database.length >= 1, 'database spans: ' + JSON.stringify(rows));
  for (const span of database) assert.ok(span.indent > rows[root].indent, JSON.stringify(rows));

  // The request's log lines: at least its access line, tied to its trace.
  const logs = page.locator('.log');
  assert.ok((await logs.count()) >= 1, 'log lines shown');
  assert.match(await page.locator('.logs').innerText(), /GET \/api\/boards\/\{id\}/);
  const grafana = page.locator('#external');
  assert.equal(await grafana.getAttribute('href'), `https://grafana.example/explore?traceId=${traceId}`);

  await server.click();
  const details = page.locator('#details');
  await details.waitFor();
  const detailsText = await details.innerText();
  assert.match(detailsText, /http\.route/);
  assert.match(detailsText, /\/api\/boards\/\{id\}/);
  assert.ok(detailsText.includes(SCRIPT), 'the user agent, markup and all, shown as text');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no markup ran');
  await page.screenshot({ path: join(artifacts, 'trace-waterfall.png'), fullPage: true });

  // The OTLP JSON download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), `trace-${traceId}.otlp.json`);
  const downloaded = join(artifacts, download.suggestedFilename());
  await download.saveAs(downloaded);
  const { readFileSync } = await import('node:fs');
  const otlp = JSON.parse(readFileSync(downloaded, 'utf8'));
  assert.ok(otlp.resourceSpans[0].scopeSpans[0].spans.every(s => s.traceId === traceId));

  // A failed request: its server span is marked as an error, with its exception event.
  const fault = await api(base, 'GET', '/debug/fault');
  assert.equal(fault.status, 500);
  // Listed once its spans settle (the page itself asks again meanwhile; waiting here
  // keeps its 404s out of the console check below).
  for (let i = 0; i < 50 && (await fetch(`${base}/debug/api/traces/${fault.traceId}`)).status !== 200; i++) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  await page.goto(`${base}/debug/traces/${fault.traceId}`);
  const failed = page.locator('.span-row.error', { hasText: 'GET /debug/fault' });
  await failed.waitFor({ timeout: 10000 });
  await failed.click();
  assert.match(await page.locator('#details').innerText(), /exception/);
  assert.match(await page.locator('.logs').innerText(), /ERROR/);
  await page.screenshot({ path: join(artifacts, 'trace-error.png'), fullPage: true });

  assert.deepEqual(problems, [], 'no script errors or CSP violations');
  console.log(`ok: trace ${traceId} found, nested, logs shown; screenshots in ${artifacts}`);
} finally {
  if (browser) await browser.close();
  child.kill('SIGTERM');
}
