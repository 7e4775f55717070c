// Starts the service for a browser test: RB_BINARY on a free loopback port with a fresh
// SQLite file under RB_SCRATCH_DIR, JSON logs on stdout; resolves once it logs
// `listening`, with the child process and its base URL. `env` adds or overrides
// settings. Also makes RB_ARTIFACT_DIR, where screenshots go.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// The binary under test, or exits the test as skipped when there is none.
export function binaryOrSkip() {
  const binary = process.env.RB_BINARY;
  if (!binary) {
    console.log('skipped: RB_BINARY is not set (run through ctest)');
    process.exit(0);
  }
  return binary;
}

export function artifactDir() {
  const artifacts = process.env.RB_ARTIFACT_DIR || 'artifacts';
  mkdirSync(artifacts, { recursive: true });
  return artifacts;
}

export function startService(binary, prefix, env = {}) {
  const scratch = process.env.RB_SCRATCH_DIR || '/tmp';
  mkdirSync(scratch, { recursive: true });
  const dbDir = mkdtempSync(join(scratch, prefix));
  const fullEnv = { PATH: process.env.PATH, BOARD_PORT: '0', BOARD_LISTEN_ADDRESS: '127.0.0.1',
                    DATABASE_URL: `sqlite://${join(dbDir, 'board.db')}`, LOG_FORMAT: 'json',
                    LOG_LEVEL: 'info', BOARD_PASSWORD_HASH: 'min', ...env };
  const child = spawn(binary, [], { env: fullEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start')), 20000);
    createInterface({ input: child.stdout }).on('line', line => {
      try {
        const entry = JSON.parse(line);
        if (entry.message === 'listening') {
          clearTimeout(timer);
          resolve({ child, base: `http://127.0.0.1:${entry.port}` });
        }
      } catch { /* not JSON */ }
    });
    child.on('exit', code => reject(new Error(`the service exited with ${code}`)));
  });
}
