// Two browser pages on one board through the page at GET /: a note added in one
// appears in the other. Prints one JSON line with what each page saw; saves a
// screenshot of each page in the directory given.
//
//   node board_page.mjs --url http://127.0.0.1:PORT --out DIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';

const arg = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const base = arg('url');
const out = arg('out');
mkdirSync(out, { recursive: true });

const password = 'browser password 1';
const suffix = Date.now().toString(36);
const owner = `owner_${suffix}`;
const guest = `guest_${suffix}`;

async function api(method, path, body, token) {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

async function signIn(page, username, register) {
  await page.goto(base + '/');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click(register ? '#register' : '#signin');
  await page.waitForSelector('#boards:not(.hidden)');
}

const browser = await launchChromium();
const result = {};
try {
  await api('POST', '/api/auth/register', { username: guest, password });
  const first = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const second = await browser.newPage({ viewport: { width: 900, height: 600 } });

  await signIn(first, owner, true);
  await first.fill('#name', 'Shared in the browser');
  await first.click('#create');
  await first.waitForSelector('#add:not([disabled])');
  const boardId = Number(await first.inputValue('#board'));
  const { token } = await api('POST', '/api/auth/login', { username: owner, password });
  await api('POST', `/api/boards/${boardId}/members`, { username: guest, role: 'editor' }, token);

  await signIn(second, guest, false);
  await second.selectOption('#board', String(boardId));
  await second.click('#open');
  await second.waitForSelector('#add:not([disabled])');

  await first.click('#add');
  await second.waitForSelector('.note', { timeout: 10000 });
  result.first_notes = await first.locator('.note').count();
  result.second_notes = await second.locator('.note').count();
  result.second_text = await second.locator('.note').first().textContent();
  result.stored = (await api('GET', `/api/boards/${boardId}/elements`, null, token)).elements.length;
  await first.screenshot({ path: join(out, 'board-page-first.png') });
  await second.screenshot({ path: join(out, 'board-page-second.png') });
  result.screenshots = [join(out, 'board-page-first.png'), join(out, 'board-page-second.png')];
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
