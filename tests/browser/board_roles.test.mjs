// The board page in a real browser (Debian's chromium, headless) follows the signed-in
// user's role live: an editor demoted to viewer by the owner (PATCH .../members/{id})
// sees "viewer: read-only" and can no longer add notes; promoted back, they can again.
// Screenshots of both states go to RB_ARTIFACT_DIR.
//
// Environment: RB_BINARY (the service), RB_ARTIFACT_DIR, RB_SCRATCH_DIR.
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { artifactDir, binaryOrSkip, startService } from './service.mjs';

const binary = binaryOrSkip();
const artifacts = artifactDir();
const password = 'browser password 1';

const { child, base } = await startService(binary, 'browser-roles-');
async function api(method, path, body, token) {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

let browser;
try {
  const owner = `owner_${process.pid}`;
  const guest = `guest_${process.pid}`;
  await api('POST', '/api/auth/register', { username: owner, password });
  const guestUser = await api('POST', '/api/auth/register', { username: guest, password });
  const { token } = await api('POST', '/api/auth/login', { username: owner, password });
  const board = await api('POST', '/api/boards', { name: 'Roles in the browser' }, token);
  await api('POST', `/api/boards/${board.id}/members`, { username: guest, role: 'editor' }, token);
  await api('POST', `/api/boards/${board.id}/elements`,
    { kind: 'sticky_note', x: 60, y: 60, width: 160, height: 100, text: 'Owner note' }, token);

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 900, height: 500 } });
  const problems = [];
  page.on('pageerror', error => problems.push(error.message));
  await page.goto(base + '/');
  await page.fill('#username', guest);
  await page.fill('#password', password);
  await page.click('#signin');
  await page.waitForSelector('#boards:not(.hidden)');
  await page.selectOption('#board', String(board.id));
  await page.click('#open');
  await page.waitForSelector('#add:not([disabled])');
  await page.waitForSelector('.note');
  assert.equal(await page.textContent('#role'), 'editor');

  const member = `/api/boards/${board.id}/members/${guestUser.id}`;
  await api('PATCH', member, { role: 'viewer' }, token);
  await page.waitForSelector('#role.viewer', { timeout: 5000 });
  assert.equal(await page.textContent('#role'), 'viewer: read-only');
  assert.equal(await page.isDisabled('#add'), true);
  assert.equal(await page.evaluate(() => document.body.classList.contains('readonly')), true);
  await page.screenshot({ path: join(artifacts, 'board-demoted-viewer.png') });

  await api('PATCH', member, { role: 'editor' }, token);
  await page.waitForSelector('#add:not([disabled])', { timeout: 5000 });
  assert.equal(await page.textContent('#role'), 'editor');
  assert.equal(await page.evaluate(() => document.body.classList.contains('readonly')), false);
  // Editing works again: a note added now is stored.
  await page.click('#add');
  await page.waitForFunction(() => document.querySelectorAll('.note').length === 2, null, { timeout: 5000 });
  assert.equal((await api('GET', `/api/boards/${board.id}/elements`, null, token)).elements.length, 2);
  await page.screenshot({ path: join(artifacts, 'board-promoted-editor.png') });
  assert.deepEqual(problems, []);
  console.log('ok: demoted to viewer, the page went read-only; promoted, it edits again');
} finally {
  if (browser) await browser.close();
  child.kill('SIGTERM');
}
