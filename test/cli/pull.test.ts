/**
 * `ai-ping pull` against a local HTTP server on 127.0.0.1 that serves recorded bodies from
 * fixtures/pull (never the internet): names, content, the mirror, retries, timeouts, failures that
 * write nothing, skipping, output, and ingesting what was written.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { mirroredUrl, retryDelayMs } from '../../src/commands/pull.js';
import { cli, cliEnv, fixtures, query, readText, root, runCli, tmpDir, type CliResult } from '../helpers.js';

const fx = (f: string) => readFileSync(path.join(fixtures, 'pull', f));
const DAY = '2026-01-15';

/** What the server answers on one request; the last reply of a path repeats. `hang` never answers. */
type Reply = { status?: number; headers?: Record<string, string>; body?: string | Buffer } | 'hang';

interface Hit {
  path: string;
  /** ms since the server started */
  at: number;
  authorization?: string;
  userAgent?: string;
}

interface FixtureServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  hits: Hit[];
  close(): Promise<void>;
}

const servers: FixtureServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(routes: Record<string, Reply | Reply[]>): Promise<FixtureServer> {
  const started = performance.now();
  const queues = new Map(Object.entries(routes).map(([p, r]) => [p, Array.isArray(r) ? [...r] : [r]]));
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits.push({
      path: req.url ?? '',
      at: performance.now() - started,
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
    });
    const queue = queues.get(req.url ?? '');
    const reply = queue && (queue.length > 1 ? queue.shift()! : queue[0]);
    if (reply === 'hang') return;
    if (!reply) return void res.writeHead(404).end('{"error":{"message":"Not Found","code":404}}');
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const s: FixtureServer = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(s);
  return s;
}

/** Runs the CLI without blocking this process, which serves its requests. */
function runPull(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; global?: string[] } = {},
): Promise<CliResult & { ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...(opts.global ?? []), 'pull', ...args], {
    cwd: opts.cwd ?? root,
    env: cliEnv({ OPENROUTER_API_KEY: '', ...opts.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started })),
  );
}

/** Every file under dir, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const LITELLM_PATH = '/BerriAI/litellm/main/model_prices_and_context_window.json';
const ENDPOINTS_PATH = '/api/v1/models/deepseek/deepseek-v3.2/endpoints';
const QWEN_ENDPOINTS = '{"data":{"id":"qwen/qwen3-32b","name":"Qwen: Qwen3 32B","endpoints":[]}}';

/** The fixture server for every source, under the mirror path prefix `/mirror`. */
const allSources = () =>
  serve({
    '/mirror/api.json': { body: fx('api.json') },
    [`/mirror${LITELLM_PATH}`]: { body: fx('model_prices_and_context_window.json') },
    '/mirror/api/v1/models': { body: fx('models.json') },
    [`/mirror${ENDPOINTS_PATH}`]: { body: fx('endpoints-deepseek--deepseek-v3.2.json') },
    '/mirror/api/v1/models/qwen/qwen3-32b/endpoints': { body: QWEN_ENDPOINTS },
  });

describe('ai-ping pull (CLI)', () => {
  test('each source: its file under DIR/<day>/, gunzipped equal to the body served, every request to --base-url', async () => {
    const server = await allSources();
    const out = tmpDir();
    const base = ['--out', out, '--date', DAY, '--base-url', `${server.origin}/mirror/`];
    for (const [source, extra] of [
      ['models-dev', []],
      ['litellm', []],
      ['openrouter-models', []],
      ['openrouter-endpoints', ['--model', 'deepseek/deepseek-v3.2', '--model', 'qwen/qwen3-32b']],
    ] as const) {
      const r = await runPull([source, ...base, ...extra, '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(filesUnder(out), [
      `${DAY}/api.json.gz`,
      `${DAY}/endpoints/deepseek--deepseek-v3.2.json.gz`,
      `${DAY}/endpoints/qwen--qwen3-32b.json.gz`,
      `${DAY}/model_prices_and_context_window.json.gz`,
      `${DAY}/models.json.gz`,
    ]);
    const day = (f: string) => path.join(out, DAY, f);
    assert.equal(readText(day('api.json.gz')), fx('api.json').toString());
    assert.equal(
      readText(day('model_prices_and_context_window.json.gz')),
      fx('model_prices_and_context_window.json').toString(),
    );
    assert.equal(readText(day('models.json.gz')), fx('models.json').toString());
    assert.equal(
      readText(day('endpoints/deepseek--deepseek-v3.2.json.gz')),
      fx('endpoints-deepseek--deepseek-v3.2.json').toString(),
    );
    assert.equal(readText(day('endpoints/qwen--qwen3-32b.json.gz')), QWEN_ENDPOINTS);
    // the public path after the mirror's prefix, one request each, no key when none is set
    assert.deepEqual(
      server.hits.map((h) => h.path),
      [
        '/mirror/api.json',
        `/mirror${LITELLM_PATH}`,
        '/mirror/api/v1/models',
        `/mirror${ENDPOINTS_PATH}`,
        '/mirror/api/v1/models/qwen/qwen3-32b/endpoints',
      ],
    );
    assert.ok(server.hits.every((h) => h.authorization === undefined && /^ai-ping\/\d/.test(h.userAgent ?? '')));
  });

  test('OPENROUTER_API_KEY goes to OpenRouter as a Bearer token, and nowhere else', async () => {
    const server = await allSources();
    const out = tmpDir();
    const env = { OPENROUTER_API_KEY: 'sk-or-test' };
    const base = ['--out', out, '--date', DAY, '--base-url', `${server.origin}/mirror`];
    assert.equal((await runPull(['openrouter-models', ...base], { env })).code, 0);
    assert.equal((await runPull(['models-dev', ...base], { env })).code, 0);
    assert.equal((await runPull(['litellm', ...base], { env })).code, 0);
    assert.deepEqual(
      server.hits.map((h) => [h.path, h.authorization]),
      [
        ['/mirror/api/v1/models', 'Bearer sk-or-test'],
        ['/mirror/api.json', undefined],
        [`/mirror${LITELLM_PATH}`, undefined],
      ],
    );
  });

  test('--format json: source, day, folder, each file with its URL, status and sizes, and the totals', async () => {
    const server = await allSources();
    const out = tmpDir();
    const r = await runPull([
      'openrouter-endpoints',
      '--out',
      out,
      '--date',
      DAY,
      '--base-url',
      `${server.origin}/mirror`,
      '--model',
      'deepseek/deepseek-v3.2,qwen/qwen3-32b',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const size = (f: string) => readFileSync(path.join(out, DAY, f)).length;
    const deepseek = 'endpoints/deepseek--deepseek-v3.2.json.gz';
    const qwen = 'endpoints/qwen--qwen3-32b.json.gz';
    assert.deepEqual(JSON.parse(r.stdout), {
      source: 'openrouter-endpoints',
      date: DAY,
      dir: path.join(out, DAY),
      files: [
        {
          file: path.join(out, DAY, deepseek),
          url: `${server.origin}/mirror${ENDPOINTS_PATH}`,
          status: 'written',
          bytes: size(deepseek),
          jsonBytes: fx('endpoints-deepseek--deepseek-v3.2.json').length,
        },
        {
          file: path.join(out, DAY, qwen),
          url: `${server.origin}/mirror/api/v1/models/qwen/qwen3-32b/endpoints`,
          status: 'written',
          bytes: size(qwen),
          jsonBytes: QWEN_ENDPOINTS.length,
        },
      ],
      written: 2,
      skipped: 0,
      bytes: size(deepseek) + size(qwen),
    });
    // one progress line per file written, with its bytes
    const served: Record<string, number> = {
      [deepseek]: fx('endpoints-deepseek--deepseek-v3.2.json').length,
      [qwen]: QWEN_ENDPOINTS.length,
    };
    const n = (v: number) => v.toLocaleString('en-US');
    assert.equal(
      r.stderr,
      [deepseek, qwen]
        .map(
          (f) =>
            `pull openrouter-endpoints: wrote ${path.join(out, DAY, f)} (${n(size(f))} bytes; ${n(served[f])} bytes of JSON)\n`,
        )
        .join(''),
    );
  });

  test('the table output names the files and the preset that reads them; --quiet drops the progress lines', async () => {
    const server = await allSources();
    const cwd = tmpDir();
    const r = await runPull(
      ['litellm', '--out', 'prices', '--date', DAY, '--base-url', `${server.origin}/mirror`, '--format', 'table'],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    const bytes = readFileSync(path.join(cwd, 'prices', DAY, 'model_prices_and_context_window.json.gz')).length;
    const json = fx('model_prices_and_context_window.json').length;
    const file = `prices/${DAY}/model_prices_and_context_window.json.gz`;
    const row = `│ ${file} │ written │ ${bytes.toLocaleString('en-US').padStart(5)} │ ${json.toLocaleString('en-US').padStart(10)} │`;
    const line = (l: string, m: string, r: string) =>
      `${l}${'─'.repeat(file.length + 2)}${m}${'─'.repeat(9)}${m}${'─'.repeat(7)}${m}${'─'.repeat(12)}${r}`;
    assert.equal(
      r.stdout,
      [
        `pull litellm, snapshot of ${DAY}`,
        line('┌', '┬', '┐'),
        `│ ${'file'.padEnd(file.length)} │ status  │ bytes │ JSON bytes │`,
        line('├', '┼', '┤'),
        row,
        line('└', '┴', '┘'),
        '',
        `1 file(s) written (${bytes.toLocaleString('en-US')} bytes), 0 skipped.`,
        `Next: ai-ping ingest ${file} --preset litellm-prices`,
        '',
      ].join('\n'),
    );
    assert.match(r.stderr, /^pull litellm: wrote prices\//);
    const quiet = await runPull(
      ['models-dev', '--out', 'prices', '--date', DAY, '--base-url', `${server.origin}/mirror`],
      {
        cwd,
        global: ['-q'],
      },
    );
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
  });

  test('a 503 then a 200: retried after the 0.5 s backoff, and the file is written', async () => {
    const server = await serve({
      '/api.json': [{ status: 503, body: 'upstream busy' }, { body: fx('api.json') }],
    });
    const out = tmpDir();
    const r = await runPull(['models-dev', '--out', out, '--date', DAY, '--base-url', server.origin]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.hits.length, 2);
    assert.ok(server.hits[1].at - server.hits[0].at >= 490, `waited ${server.hits[1].at - server.hits[0].at} ms`);
    assert.equal(readText(path.join(out, DAY, 'api.json.gz')), fx('api.json').toString());
  });

  test('a 429 with Retry-After: 0 is retried at once', async () => {
    const server = await serve({
      '/api/v1/models': [{ status: 429, headers: { 'retry-after': '0' } }, { body: fx('models.json') }],
    });
    const out = tmpDir();
    const r = await runPull(['openrouter-models', '--out', out, '--date', DAY, '--base-url', server.origin]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.hits.length, 2);
    assert.ok(server.hits[1].at - server.hits[0].at < 400, `waited ${server.hits[1].at - server.hits[0].at} ms`);
    assert.equal(readText(path.join(out, DAY, 'models.json.gz')), fx('models.json').toString());
  });

  test('5xx on every attempt: gives up after --retries, exit 2 with one line, nothing written', async () => {
    const server = await serve({ '/api.json': { status: 503, headers: { 'retry-after': '0' } } });
    const out = tmpDir();
    const r = await runPull(['models-dev', '--out', out, '--date', DAY, '--base-url', server.origin, '--retries', '2']);
    assert.equal(r.code, 2);
    assert.equal(server.hits.length, 3);
    assert.equal(
      r.stderr,
      `ai-ping: pull models-dev: ${server.origin}/api.json answered HTTP 503 Service Unavailable (3 attempts); ` +
        'try again later or pass --base-url\n',
    );
    assert.equal(r.stdout, '');
    assert.deepEqual(filesUnder(out), []);
  });

  test('a 404 is not retried: exit 2 naming the URL, and no endpoints file of the run is written', async () => {
    const server = await allSources();
    const out = tmpDir();
    const r = await runPull([
      'openrouter-endpoints',
      '--out',
      out,
      '--date',
      DAY,
      '--base-url',
      `${server.origin}/mirror`,
      '--model',
      'deepseek/deepseek-v3.2,nobody/no-such-model',
    ]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `ai-ping: pull openrouter-endpoints: ${server.origin}/mirror/api/v1/models/nobody/no-such-model/endpoints ` +
        'answered HTTP 404 Not Found; nothing written\n',
    );
    assert.deepEqual(
      server.hits.map((h) => h.path),
      [`/mirror${ENDPOINTS_PATH}`, '/mirror/api/v1/models/nobody/no-such-model/endpoints'],
    );
    assert.deepEqual(filesUnder(out), []);
  });

  test('a server that never answers: --timeout 1 gives up after 1 s, exit 2 with one line', async () => {
    const server = await serve({ '/api.json': 'hang' });
    const out = tmpDir();
    const r = await runPull([
      'models-dev',
      '--out',
      out,
      '--date',
      DAY,
      '--base-url',
      server.origin,
      '--timeout',
      '1',
      '--retries',
      '0',
    ]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `ai-ping: pull models-dev: cannot reach ${server.origin}/api.json (no answer within 1 s; 1 attempt); ` +
        'check the network or pass --base-url\n',
    );
    assert.ok(r.ms >= 1000 && r.ms < 10_000, `${r.ms} ms`);
    assert.deepEqual(filesUnder(out), []);
  });

  test('unreachable: exit 2 with one line naming the URL and the reason, no stack', async () => {
    const out = tmpDir();
    const r = await runPull(['models-dev', '--out', out, '--base-url', 'http://127.0.0.1:1', '--retries', '1']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'ai-ping: pull models-dev: cannot reach http://127.0.0.1:1/api.json (fetch does not connect to port 1; ' +
        '2 attempts); check the network or pass --base-url\n',
    );
    // a port where nothing listens: the socket's own reason
    const closed = await serve({});
    await closed.close();
    const port = new URL(closed.origin).port;
    const refused = await runPull(['litellm', '--out', out, '--base-url', closed.origin, '--retries', '0']);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      `ai-ping: pull litellm: cannot reach ${closed.origin}${LITELLM_PATH} (connect ECONNREFUSED 127.0.0.1:${port}; ` +
        '1 attempt); check the network or pass --base-url\n',
    );
    assert.deepEqual(filesUnder(out), []);
  });

  test('a body that is not JSON, or JSON of another shape: exit 2 naming the URL, no file', async () => {
    const server = await serve({
      '/api.json': { body: '<!doctype html><title>Captive portal</title>', headers: { 'content-type': 'text/html' } },
      '/api/v1/models': { body: '{"data":[]}' },
      [LITELLM_PATH]: { body: fx('models.json') },
    });
    const out = tmpDir();
    const base = ['--out', out, '--date', DAY, '--base-url', server.origin];
    const html = await runPull(['models-dev', ...base]);
    assert.equal(html.code, 2);
    assert.match(
      html.stderr,
      new RegExp(
        `^ai-ping: pull models-dev: ${server.origin}/api\\.json did not answer JSON \\(.+\\); nothing written\\n$`,
      ),
    );
    const empty = await runPull(['openrouter-models', ...base]);
    assert.equal(empty.code, 2);
    assert.equal(
      empty.stderr,
      `ai-ping: pull openrouter-models: ${server.origin}/api/v1/models did not answer an OpenRouter model list ` +
        '({data: [{id, …}]}); nothing written\n',
    );
    const wrong = await runPull(['litellm', ...base]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /did not answer a LiteLLM price catalogue .*; nothing written\n$/);
    assert.equal(server.hits.length, 3, 'a bad body is not retried');
    assert.deepEqual(filesUnder(out), []);
  });

  test('a file of the same day is skipped without --force (nothing fetched), replaced with it', async () => {
    const server = await allSources();
    const out = tmpDir();
    const file = path.join(out, DAY, 'api.json.gz');
    const base = [
      'models-dev',
      '--out',
      out,
      '--date',
      DAY,
      '--base-url',
      `${server.origin}/mirror`,
      '--format',
      'json',
    ];
    assert.equal((await runPull(base)).code, 0);
    writeFileSync(file, 'kept');
    const skip = await runPull(base);
    assert.equal(skip.code, 0, skip.stderr);
    assert.equal(skip.stderr, `pull models-dev: ${file} exists, skipped (--force replaces it)\n`);
    assert.deepEqual(JSON.parse(skip.stdout), {
      source: 'models-dev',
      date: DAY,
      dir: path.join(out, DAY),
      files: [{ file, url: `${server.origin}/mirror/api.json`, status: 'skipped', bytes: null, jsonBytes: null }],
      written: 0,
      skipped: 1,
      bytes: 0,
    });
    assert.equal(readFileSync(file, 'utf8'), 'kept');
    assert.equal(server.hits.length, 1, 'the skipped file was not downloaded');
    const force = await runPull([...base, '--force']);
    assert.equal(force.code, 0, force.stderr);
    assert.equal(JSON.parse(force.stdout).files[0].status, 'replaced');
    assert.match(force.stderr, /^pull models-dev: replaced /);
    assert.equal(readText(file), fx('api.json').toString());
    assert.deepEqual(filesUnder(out), [`${DAY}/api.json.gz`], 'no temporary file left behind');
  });

  test("without --date, the day is today's, UTC", async () => {
    const server = await allSources();
    const out = tmpDir();
    const before = new Date().toISOString().slice(0, 10);
    const r = await runPull(['models-dev', '--out', out, '--base-url', `${server.origin}/mirror`]);
    const afterDay = new Date().toISOString().slice(0, 10);
    assert.equal(r.code, 0, r.stderr);
    assert.ok([`${before}/api.json.gz`, `${afterDay}/api.json.gz`].includes(filesUnder(out)[0]), filesUnder(out)[0]);
  });

  test('bad usage: exit 2 with one line, before any request', async () => {
    const server = await allSources();
    const out = tmpDir();
    const base = ['--out', out, '--base-url', server.origin];
    const cases: [string[], string][] = [
      [
        ['models.dev', ...base],
        "pull: unknown source 'models.dev'; expected models-dev, litellm, openrouter-models, openrouter-endpoints",
      ],
      [
        ['openrouter-endpoints', ...base],
        'pull openrouter-endpoints needs --model ID (an OpenRouter id such as deepseek/deepseek-v3.2)',
      ],
      [
        ['openrouter-endpoints', ...base, '--model', 'deepseek-v3.2'],
        "--model 'deepseek-v3.2': expected an OpenRouter id AUTHOR/SLUG such as deepseek/deepseek-v3.2",
      ],
      [
        ['openrouter-endpoints', ...base, '--model', 'deepseek/..'],
        "--model 'deepseek/..': expected an OpenRouter id AUTHOR/SLUG such as deepseek/deepseek-v3.2",
      ],
      [['models-dev', ...base, '--model', 'a/b'], '--model applies to openrouter-endpoints only, not to models-dev'],
      [['litellm', ...base, '--date', '2026-02-30'], "--date '2026-02-30': expected a calendar day YYYY-MM-DD"],
      [
        ['litellm', ...base, '--timeout', '0'],
        "--timeout must be a number of seconds above 0 and at most 86400, got '0'",
      ],
      [
        ['litellm', '--out', out, '--base-url', 'ftp://mirror'],
        "--base-url 'ftp://mirror': expected an http or https URL such as http://mirror.example:8080/prefix (no query or fragment)",
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runPull(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, `ai-ping: ${message}\n`);
    }
    const noOut = await runPull(['litellm']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /required option '--out <dir>' not specified/);
    assert.equal(server.hits.length, 0);
    assert.deepEqual(filesUnder(out), []);
  });
});

describe('pull: what it writes ingests with the matching preset', () => {
  test('litellm → --preset litellm-prices: the chat entries land as offerings and prices', async () => {
    const server = await allSources();
    const out = tmpDir();
    const day = '2025-12-01';
    const r = await runPull(['litellm', '--out', out, '--date', day, '--base-url', `${server.origin}/mirror`]);
    assert.equal(r.code, 0, r.stderr);
    const db = path.join(tmpDir(), 'p.duckdb');
    const file = path.join(out, day, 'model_prices_and_context_window.json.gz');
    const ingest = runCli(['ingest', file, '--preset', 'litellm-prices', '--db', db, '--format', 'json']);
    assert.equal(ingest.code, 0, ingest.stderr);
    // five chat entries, each with per-token prices; the embedding model is skipped
    assert.deepEqual(
      (JSON.parse(ingest.stdout) as { files: { kind: string; accepted: number; rejected: number }[] }).files.map(
        (f) => [f.kind, f.accepted, f.rejected],
      ),
      [
        ['offerings', 5, 0],
        ['prices', 5, 0],
      ],
    );
    const [deepseek] = await query<{ input_price: number; output_price: number }>(
      db,
      "SELECT input_price, output_price FROM prices WHERE provider = 'deepseek' AND model = 'deepseek-chat'",
    );
    assert.deepEqual(deepseek, { input_price: 0.28, output_price: 0.42 });
  });

  test('litellm → --preset litellm-prices: the snapshot time is the folder day', async () => {
    const server = await allSources();
    const out = tmpDir();
    const day = '2025-12-01';
    assert.equal(
      (await runPull(['litellm', '--out', out, '--date', day, '--base-url', `${server.origin}/mirror`])).code,
      0,
    );
    const db = path.join(tmpDir(), 'p.duckdb');
    const file = path.join(out, day, 'model_prices_and_context_window.json.gz');
    assert.equal(runCli(['ingest', file, '--preset', 'litellm-prices', '--db', db]).code, 0);
    const ts = await query<{ ts: string }>(db, "SELECT DISTINCT strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts FROM prices");
    assert.deepEqual(ts, [{ ts: `${day} 00:00:00` }]);
  });

  for (const [source, preset, target, extra] of [
    ['models-dev', 'models-dev', 'api.json.gz', []],
    ['openrouter-models', 'openrouter-models', 'models.json.gz', []],
    ['openrouter-endpoints', 'openrouter-endpoints', 'endpoints', ['--model', 'deepseek/deepseek-v3.2,qwen/qwen3-32b']],
  ] as const) {
    test(`${source} → --preset ${preset}: rows land, at the folder's day`, async () => {
      const server = await allSources();
      const out = tmpDir();
      const r = await runPull([source, '--out', out, '--date', DAY, '--base-url', `${server.origin}/mirror`, ...extra]);
      assert.equal(r.code, 0, r.stderr);
      const db = path.join(tmpDir(), 'p.duckdb');
      const ingest = runCli([
        'ingest',
        path.join(out, DAY, target),
        '--preset',
        preset,
        '--db',
        db,
        '--format',
        'json',
      ]);
      assert.equal(ingest.code, 0, ingest.stderr);
      const files = (JSON.parse(ingest.stdout) as { files: { kind: string; accepted: number; rejected: number }[] })
        .files;
      assert.ok(
        files.every((f) => f.rejected === 0),
        ingest.stdout,
      );
      assert.ok(
        files.some((f) => f.kind === 'prices' && f.accepted > 0),
        ingest.stdout,
      );
      assert.deepEqual(await query(db, "SELECT DISTINCT strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts FROM prices"), [
        { ts: `${DAY} 00:00:00` },
      ]);
    });
  }
});

describe('pull: mirror URLs and retry delays', () => {
  test('--base-url keeps the public path and replaces scheme and host (a path prefix and a trailing slash allowed)', () => {
    const litellm = 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json';
    assert.equal(mirroredUrl(litellm, undefined), litellm);
    assert.equal(
      mirroredUrl(litellm, 'http://mirror:8080/cache/'),
      'http://mirror:8080/cache/BerriAI/litellm/main/model_prices_and_context_window.json',
    );
    assert.equal(
      mirroredUrl('https://openrouter.ai/api/v1/models/deepseek/deepseek-v3.2/endpoints', 'https://m.example'),
      'https://m.example/api/v1/models/deepseek/deepseek-v3.2/endpoints',
    );
  });

  test('Retry-After in seconds or as an HTTP date, capped at 60 s; else 0.5 s doubling, capped too', () => {
    const now = Date.parse('2026-01-15T12:00:00Z');
    assert.equal(retryDelayMs(0, '0', now), 0);
    assert.equal(retryDelayMs(0, '7', now), 7000);
    assert.equal(retryDelayMs(2, '3600', now), 60_000);
    assert.equal(retryDelayMs(0, 'Thu, 15 Jan 2026 12:00:05 GMT', now), 5000);
    assert.equal(retryDelayMs(0, 'Thu, 15 Jan 2026 11:59:00 GMT', now), 0);
    assert.equal(retryDelayMs(0, null, now), 500);
    assert.equal(retryDelayMs(1, 'soon', now), 1000);
    assert.equal(retryDelayMs(2, '', now), 2000);
    assert.equal(retryDelayMs(20, null, now), 60_000);
  });
});

test('the pull-prices workflow example is valid YAML and its ai-ping pull commands exist with their options', () => {
  const file = path.join(root, 'examples/github-actions/pull-prices.yml');
  const wf = parse(readFileSync(file, 'utf8')) as {
    on: { schedule: { cron: string }[] };
    jobs: Record<string, { steps: { run?: string }[] }>;
  };
  assert.ok(wf.on.schedule[0].cron);
  const commands = Object.values(wf.jobs)
    .flatMap((j) => j.steps.map((s) => s.run ?? ''))
    .flatMap((r) => r.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.trim().replace(/^npx /, ''))
    .filter((l) => l.startsWith('ai-ping pull '));
  assert.deepEqual(
    commands.map((c) => c.split(/\s+/)[2]),
    ['models-dev', 'litellm', 'openrouter-models'],
  );
  const help = runCli(['pull', '--help']);
  assert.equal(help.code, 0);
  for (const c of commands)
    for (const opt of c.split(/\s+/).filter((w) => w.startsWith('--')))
      assert.ok(help.stdout.includes(opt), `${c}: ${opt}`);
});
