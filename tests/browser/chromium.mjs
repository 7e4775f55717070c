// Launches Debian's chromium headless through playwright-core. Shared by the browser
// tests of the pages the binary serves; each test file starts the service itself (or is
// handed its URL) and saves its screenshots under the directory it is given.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.RB_CHROMIUM || '/usr/bin/chromium';

export async function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // --no-sandbox: the suite may run as root in CI, where chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
