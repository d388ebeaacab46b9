import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Store, withStore } from '../src/store/db.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (tests run from dist/test). */
export const root = path.resolve(here, '../..');
export const cli = path.join(root, 'bin/ai-ping.js');
export const fixtures = path.join(root, 'fixtures');
/** Public real-world data vendored in the repository, gzip-compressed (see data/real/README.md). */
export const realData = path.join(root, 'data', 'real');

/** A text file's content, gunzipped when its name ends in .gz. */
export function readText(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The temporary folders this test file made, removed when its process exits. */
const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tmpDir(prefix = 'ai-ping-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a CLI test runs in: no colour, and none of the variables that change defaults. */
export const cliEnv = (env: Record<string, string> = {}) => {
  const e: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete e.CI;
  delete e.AI_PING_DB;
  delete e.FORCE_COLOR;
  return { ...e, ...env } as NodeJS.ProcessEnv;
};

/** Runs the built CLI synchronously with NO_COLOR=1. */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: opts.cwd ?? root,
    env: cliEnv(opts.env),
    encoding: 'utf8',
    // the JSON of a database holding whole price catalogues runs to a few MB
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI in the background (for kill and lock tests). */
export function spawnCli(args: string[], opts: { cwd?: string } = {}) {
  return spawn(process.execPath, [cli, ...args], {
    cwd: opts.cwd ?? root,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs queries against a database file and closes it. */
export async function query<T = Record<string, unknown>>(db: string, sql: string, params?: unknown[]): Promise<T[]> {
  const store = await Store.open(db, { init: false });
  try {
    return await store.all<T>(sql, params as never);
  } finally {
    store.close();
  }
}

/** Runs fn against a fresh in-memory database with the schema. */
export function withMemory<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  return withStore(':memory:', fn);
}
