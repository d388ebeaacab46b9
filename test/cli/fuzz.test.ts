/**
 * The CLI over generated arguments and malformed files never crashes. Whatever it is given, it exits
 * 0, 2, or 1 only for a failed `report --fail-if` gate; a failure prints exactly one error line
 * (`ai-ping: …`, or the parser's `error: …` and its hint) and no stack unless AI_PING_DEBUG is set;
 * no run ends in `internal error`; and a command that fails leaves the database it was given as it was.
 * Seeds are fixed, so CI runs the same cases; fast-check prints the seed and the failing arguments.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { cli, cliEnv, fixtures, tmpDir, type CliResult } from '../helpers.js';

const work = tmpDir('ai-ping-fuzz-');
const files = path.join(work, 'files');
const templates = path.join(work, 'databases');
const fx = (...p: string[]) => path.join(fixtures, ...p);

/** Deterministic junk bytes (the same on every run, so a failure replays). */
function junk(n: number, salt: string): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < n; i++) chunks.push(createHash('sha256').update(`${salt}${i}`).digest());
  return Buffer.concat(chunks).subarray(0, n);
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const HEADER = 'request_id,ts,model,provider,input_tokens,output_tokens\n';

/** Malformed inputs, written once; runs read them and never write them. */
function writeFiles(): void {
  mkdirSync(files, { recursive: true });
  const put = (name: string, body: string | Buffer) => writeFileSync(path.join(files, name), body);
  const requests = readFileSync(fx('ingest', 'requests.csv'));
  put('truncated.csv', requests.subarray(0, Math.floor(requests.length * 0.6)));
  put('junk.csv', junk(3000, 'csv'));
  put('junk.parquet', junk(3000, 'parquet'));
  put('junk.jsonl', junk(3000, 'jsonl'));
  put('junk.csv.gz', junk(500, 'gz'));
  put('junk-inside.csv.gz', gzipSync(junk(3000, 'inside')));
  put('empty.csv', '');
  put('empty.json', '');
  put('empty.parquet', '');
  put('header-only.csv', HEADER);
  put(
    'huge-tokens.csv',
    HEADER +
      'h1,2025-10-01T00:00:00Z,Qwen3-32B,p,1e30,9223372036854775807\n' +
      'h2,2025-10-01T00:00:00Z,Qwen3-32B,p,9223372036854775807,1e30\n' +
      'h3,2025-10-01T00:00:00Z,Qwen3-32B,p,1e309,-9223372036854775808\n',
  );
  put(
    'huge-tokens.json',
    '[{"request_id":"j1","ts":"2025-10-01T00:00:00Z","model":"m","provider":"p","input_tokens":1e30,"output_tokens":9223372036854775807}]',
  );
  // every row of a field of one wrong type, so that the reader types the column so
  put(
    'wrong-types.json',
    JSON.stringify(
      [1, 2].map((i) => ({
        request_id: i,
        ts: true,
        model: [1, 2],
        provider: { name: 'p' },
        input_tokens: 'ten',
        output_tokens: null,
        cost: [0.1],
      })),
    ),
  );
  put(
    'numeric-ids.json',
    JSON.stringify(
      [7, 7, 8].map((id) => ({
        request_id: id,
        ts: '2025-10-01T00:00:00Z',
        model: 'Qwen3-32B',
        provider: 'p',
        input_tokens: 1,
        output_tokens: 1,
      })),
    ),
  );
  put(
    'invalid-utf8.csv',
    Buffer.concat([
      Buffer.from(HEADER),
      Buffer.from('u1,2025-10-01T00:00:00Z,Qwen3-'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(',p\xe9,1,1\nu2,2025-10-01T00:00:00Z,m,p,1,1\n', 'latin1'),
    ]),
  );
  put('absurd-prices.csv', 'ts,provider,model,input_price,output_price\n2025-10-01,p,Qwen3-32B,1e30,-1\n');
  put('not-json.json', '{"request_id": "x", "ts": ');
  // the 16-byte header DuckDB recognises a SQLite database by, and an empty first page
  put('logs.sqlite', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080)]));
  put('catalog-junk.csv', junk(800, 'catalog'));
  mkdirSync(path.join(files, 'empty-folder'));
}

/** Databases a run gets a fresh copy of; the keys are the placeholders arguments name them by. */
const DATABASES = ['@DB', '@DB_SQLITE', '@DB_FOREIGN', '@DB_JUNK', '@DB_EMPTY', '@DB_TRUNCATED'] as const;
const templateOf = (placeholder: string) => path.join(templates, `${placeholder.slice(1).toLowerCase()}.duckdb`);
const hashes = new Map<string, string>();

async function writeDatabases(): Promise<void> {
  mkdirSync(templates, { recursive: true });
  const db = templateOf('@DB');
  const report = ['requests', 'prices', 'offerings', 'latency'].map((t) => fx('report', `${t}.csv`));
  const r = await run(['ingest', ...report, '--db', db, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  copyFileSync(path.join(files, 'logs.sqlite'), templateOf('@DB_SQLITE'));
  const instance = await DuckDBInstance.create(templateOf('@DB_FOREIGN'));
  const conn = await instance.connect();
  await conn.run('CREATE TABLE sales (region VARCHAR, amount DOUBLE)');
  conn.closeSync();
  instance.closeSync();
  writeFileSync(templateOf('@DB_JUNK'), junk(64 * 1024, 'db'));
  writeFileSync(templateOf('@DB_EMPTY'), '');
  writeFileSync(templateOf('@DB_TRUNCATED'), readFileSync(db).subarray(0, 300_000));
  for (const p of DATABASES) hashes.set(p, sha(templateOf(p)));
}

/** Runs the built CLI without blocking the test's event loop; `node` are options for Node itself. */
function run(
  args: string[],
  env: Record<string, string> = {},
  node: string[] = [],
): Promise<CliResult & { signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...node, cli, ...args], {
      cwd: work,
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

let runs = 0;

/**
 * One case: placeholders become paths in a fresh folder (databases copied there), the CLI runs,
 * and every promise of the output contract is checked.
 */
async function check(template: string[], debug?: string): Promise<void> {
  const dir = path.join(work, 'runs', String(++runs));
  mkdirSync(dir, { recursive: true });
  const args = template.map((a) => {
    if ((DATABASES as readonly string[]).includes(a)) {
      const copy = path.join(dir, path.basename(templateOf(a)));
      if (!existsSync(copy)) copyFileSync(templateOf(a), copy);
      return copy;
    }
    if (a === '@OUT') return path.join(dir, 'out.txt');
    if (a === '@OUT_DIR') return path.join(dir, 'out');
    if (a === '@NEW_DB') return path.join(dir, 'new.duckdb');
    if (a === '@MISSING') return path.join(work, 'no-such-folder', 'x.csv');
    if (a.startsWith('@F:')) return path.join(files, a.slice(3));
    if (a.startsWith('@FX:')) return fx(...a.slice(4).split('/'));
    return a;
  });
  const dbAt = args.lastIndexOf('--db');
  const db = dbAt >= 0 ? args[dbAt + 1] : undefined;
  const dbTemplate = dbAt >= 0 ? template[dbAt + 1] : undefined;
  const r = await run(args, debug ? { AI_PING_DEBUG: debug } : {});
  const shown =
    `ai-ping ${args.map((a) => JSON.stringify(a)).join(' ')}${debug ? ` (AI_PING_DEBUG=${debug})` : ''}\n` +
    `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstderr:\n${r.stderr}`;
  const gate = args.includes('--fail-if');
  assert.ok(r.code === 0 || r.code === 2 || (r.code === 1 && gate), `exit code: ${shown}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => ERROR.test(l));
  if (!debug) {
    assert.deepEqual(
      lines.filter((l) => !ERROR.test(l) && !WARNING.test(l) && !NOTE.test(l) && l !== HINT),
      [],
      `stderr has lines that are no error, warning or note (a stack, a message over several lines): ${shown}`,
    );
  }
  if (r.code === 0) assert.deepEqual(errors, [], `an error line, yet exit 0: ${shown}`);
  else {
    if (debug) assert.ok(errors.length >= 1, `no error line: ${shown}`);
    else assert.equal(errors.length, 1, `not exactly one error line: ${shown}`);
    assert.doesNotMatch(errors[0], /^ai-ping: internal error/, `a crash: ${shown}`);
    if (r.code === 1) assert.match(errors[0], /^ai-ping: gate\(s\) failed: /, shown);
    // a command that fails leaves its database as it was
    if (db && dbTemplate && hashes.has(dbTemplate)) {
      assert.equal(sha(db), hashes.get(dbTemplate), `the database changed although the command failed: ${shown}`);
    }
    if (dbTemplate === '@NEW_DB') assert.equal(existsSync(db!), false, `a failed command left a database: ${shown}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** ai-ping's error line, or the parser's (followed by HINT). */
const ERROR = /^(ai-ping|error): /;
const WARNING = /^warning: /;
/** pull's one line per file */
const NOTE = /^pull [a-z-]+: /;
const HINT = '(run with --help for usage)';

// ---- arguments ----

/** Values no option takes well: empty, negative, huge, not a number, unicode, paths that do not exist. */
const BAD = [
  '',
  ' ',
  '-1',
  '-0',
  '1.5',
  '1e30',
  '9223372036854775807',
  '9007199254740992',
  '1e309',
  'NaN',
  'Infinity',
  '0x10',
  '٣',
  '🙂',
  'Ωmega≈',
  'a'.repeat(300),
  '--',
  '=',
  '@MISSING',
  '@F:empty-folder',
  '@F:junk.csv',
];
const DATES = [
  '2025-10-01',
  '2025-12-31T23:59:59Z',
  '1970-01-01',
  '2100-01-01',
  '2025-02-30',
  '9999-99-99',
  'yesterday',
];
const NUMBERS = ['0', '1', '3', '16'];
const FORMATS = ['table', 'md', 'json', 'csv', 'html', 'parquet', 'JSON', 'xml'];
const MODELS = ['Qwen3-32B', 'qwen3-32b', 'deepseek-ai/DeepSeek-V3.2', 'NoSuchModel'];
const POLICIES = ['cost', 'throughput', 'cost,throughput', 'latency', 'balanced', 'sla', 'task-aware', 'random'];
const POLICY_VALUES = [
  ...POLICIES,
  'all',
  'round-robin',
  'static-best',
  'fixed:provider-a',
  'fixed:nope',
  'cheapest',
  ',',
];
const FILES = [
  '@F:truncated.csv',
  '@F:junk.csv',
  '@F:junk.parquet',
  '@F:junk.jsonl',
  '@F:junk.csv.gz',
  '@F:junk-inside.csv.gz',
  '@F:empty.csv',
  '@F:empty.json',
  '@F:empty.parquet',
  '@F:header-only.csv',
  '@F:huge-tokens.csv',
  '@F:huge-tokens.json',
  '@F:wrong-types.json',
  '@F:numeric-ids.json',
  '@F:invalid-utf8.csv',
  '@F:absurd-prices.csv',
  '@F:not-json.json',
  '@F:logs.sqlite',
  '@F:empty-folder',
  '@FX:ingest/bad/corrupt-body.parquet',
  '@FX:ingest/bad/corrupt.parquet',
  '@FX:ingest/bad/unknown-format.bin',
  '@FX:ingest/bad/unterminated-quote.csv',
  '@FX:ingest/bad/truncated.jsonl',
  '@FX:ingest/bad',
  '@MISSING',
];
const GOOD_FILES = [
  '@FX:ingest/requests.csv',
  '@FX:ingest/prices.csv',
  '@FX:ingest/latency.csv',
  '@FX:ingest/requests.jsonl',
];

/** An option's values: those it is meant to take, and worse. null: a flag. */
type Spec = Record<string, readonly string[] | null>;

const OUTPUT: Spec = { '--format': FORMATS, '--out': ['@OUT', '@MISSING', '@F:empty-folder', '@OUT_DIR'], '-q': null };
const DB: Spec = {
  '--db': ['@DB', '@DB', '@DB_SQLITE', '@DB_FOREIGN', '@DB_JUNK', '@DB_EMPTY', '@DB_TRUNCATED', '@NEW_DB', '@MISSING'],
};
const SELECTION: Spec = { '--from': DATES, '--to': DATES, '--model': MODELS, '--task': ['code', 'chat', 'nope'] };
const CATALOG: Spec = { '--catalog': ['@F:catalog-junk.csv', '@F:empty.csv', '@FX:ingest/catalog.csv', '@MISSING'] };

const COMMANDS: Record<string, { spec: Spec; weight: number }> = {
  ingest: {
    weight: 3,
    spec: {
      ...OUTPUT,
      ...DB,
      '--kind': ['requests', 'offerings', 'prices', 'latency', 'probes', 'catalog', 'junk'],
      '--preset': ['list', 'litellm-prices', 'azure-llm-trace', 'models-dev', 'nope'],
      '--set': ['provider=x', 'task=', 'colour=red', 'provider', 'ts=not-a-time', 'input_tokens=1e30'],
      '--map': ['input_tokens=prompt_len', 'x=y', 'model=model', 'request_id=nope'],
      '--strict': null,
    },
  },
  analyze: {
    weight: 3,
    spec: {
      ...OUTPUT,
      ...DB,
      ...SELECTION,
      ...CATALOG,
      '--by': ['tokens', 'requests', 'cost', 'nope'],
      '--level': ['family', 'model', 'provider', 'nope'],
    },
  },
  simulate: {
    weight: 3,
    spec: {
      ...OUTPUT,
      ...DB,
      ...SELECTION,
      ...CATALOG,
      '--policy': POLICY_VALUES,
      '--baseline': ['official', 'observed', 'provider:provider-a', 'provider:nope', 'provider:', 'cheapest'],
      '--info': ['causal', 'hindsight', 'oracle'],
      '--state': ['windowed', 'static', 'none', 'nope'],
      '--window': ['1h', '30m', '1d', '0s', '-1h', '1e30h', '1s'],
      '--stale': ['24h', '0m', '1e30d', 'forever'],
      '--min-success': ['0', '0.9', '1', '1.1', '-0.1'],
      '--bootstrap': NUMBERS,
      '--seed': NUMBERS,
      '--include-anomalous-prices': null,
      '--by': ['model', 'task', 'nope'],
      '--retries': NUMBERS,
      '--failed-attempts-free': null,
      '--weights': ['cost=2,latency=1', 'cost=-1', 'speed=1', 'cost=', 'cost=1e308'],
      '--slo': ['latency=8s', 'p90-latency=2500ms', 'latency=8', 'latency=0s', '8h'],
      '--task-objective': ['code=latency', 'code=fast', '=cost', 'code'],
      '--market-at': ['latest', ...DATES],
      '--prices': ['list', 'billed', 'both', 'nope'],
      '--providers': ['provider-a', 'nope', ''],
      '--exclude-providers': ['provider-a', 'nope'],
      '--hosts-only': null,
    },
  },
  catalog: { weight: 2, spec: { ...OUTPUT, ...DB, ...CATALOG, '--providers': null, '--all': null } },
  providers: {
    weight: 2,
    spec: { ...OUTPUT, ...DB, ...CATALOG, '--model': MODELS, '--at': ['latest', ...DATES], '--history': null },
  },
  report: {
    weight: 3,
    spec: {
      ...OUTPUT,
      ...DB,
      ...CATALOG,
      ...SELECTION,
      '--policy': POLICY_VALUES,
      '--baseline': ['official', 'observed', 'provider:nope'],
      '--state': ['windowed', 'static', 'none', 'nope'],
      '--market-at': ['latest', ...DATES],
      '--bootstrap': NUMBERS,
      '--fail-if': [
        'savingsPct < 1000',
        'gini > 2',
        'top1Share >= 0',
        'savings < 1',
        'gini >',
        'rejectedRows = -1',
        'billingDeltaPct > 5',
      ],
    },
  },
  reconcile: {
    weight: 2,
    spec: {
      ...OUTPUT,
      ...DB,
      ...CATALOG,
      ...SELECTION,
      '--save-prices': null,
      '--fail-if': ['billingDeltaPct > 5', 'billingDeltaPct >= 0', 'savingsPct < 1', 'billingDeltaPct >'],
    },
  },
  generate: {
    weight: 1,
    spec: { '--out': ['@OUT_DIR', '@F:junk.csv', '@MISSING'], '--seed': NUMBERS, '--format': FORMATS },
  },
  pull: {
    weight: 1,
    spec: {
      '--out': ['@OUT_DIR', '@F:junk.csv'],
      '--model': ['deepseek/deepseek-v3.2', 'nope', ''],
      '--date': DATES,
      '--force': null,
      '--timeout': ['5', '0', '-1', '86401'],
      '--format': FORMATS,
    },
  },
};

/** Options no command has, and options of another command. */
const UNKNOWN = ['--bogus', '-z', '--Policy', '--☃', '--requests', '--fail-if', '--strict', '--db='];

const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0'));

const valueOf = (values: readonly string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...values) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD) },
    { weight: 1, arbitrary: text },
  );

const optionsOf = (spec: Spec) =>
  fc.array(
    fc.oneof(
      {
        weight: 9,
        arbitrary: fc.constantFrom(...Object.keys(spec)).chain((name): fc.Arbitrary<string[]> => {
          const values = spec[name];
          return values ? valueOf(values).map((v) => [name, v]) : fc.constant([name]);
        }),
      },
      { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN).map((o) => [o]) },
    ),
    { maxLength: 3 },
  );

/** What comes before the options: the command, its operands and, for most, a database. */
function headOf(command: string): fc.Arbitrary<string[]> {
  // mostly the good database, so that most runs get past opening it
  const db = fc
    .oneof({ weight: 3, arbitrary: fc.constant('@DB') }, { weight: 2, arbitrary: fc.constantFrom(...DB['--db']!) })
    .map((d) => ['--db', d]);
  const someFiles = (max: number) => fc.array(fc.constantFrom(...FILES, ...GOOD_FILES), { maxLength: max });
  switch (command) {
    case 'ingest':
      return fc.tuple(someFiles(2), db).map(([f, d]) => ['ingest', ...f, ...d]);
    case 'analyze':
    case 'simulate':
      // mostly the database, sometimes files read in memory
      return fc
        .tuple(
          fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: someFiles(1) }),
          db,
        )
        .map(([f, d]) => [command, ...f, ...(f.length ? [] : d)]);
    case 'catalog':
      return fc
        .tuple(fc.array(fc.oneof(fc.constantFrom(...MODELS, '', 'a'.repeat(300)), text), { maxLength: 2 }), db)
        .map(([names, d]) => ['catalog', ...names, ...d]);
    case 'generate':
      return fc.constant(['generate', '--out', '@OUT_DIR']);
    case 'pull':
      return fc
        .constantFrom('litellm', 'models-dev', 'openrouter-models', 'openrouter-endpoints', 'nope', '')
        .map((source) => ['pull', source, '--out', '@OUT_DIR']);
    default:
      return db.map((d) => [command, ...d]);
  }
}

/**
 * What goes after the options, so that it wins: simulate needs a policy, and generate and pull stay
 * fast (a handful of requests; no retries, to a port nothing listens on). Bad values earlier still fail.
 */
function tailOf(command: string): fc.Arbitrary<string[]> {
  if (command === 'simulate')
    return fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...POLICIES).map((p) => ['--policy', p, '--bootstrap', '20']) },
      { weight: 1, arbitrary: fc.constant<string[]>([]) },
    );
  if (command === 'report') return fc.constant(['--bootstrap', '20']);
  if (command === 'generate') return fc.constant(['--requests', '20']);
  if (command === 'pull') return fc.constant(['--base-url', 'http://127.0.0.1:1', '--retries', '0']);
  return fc.constant([]);
}

const commandLine = fc
  .oneof(...Object.entries(COMMANDS).map(([name, { weight }]) => ({ weight, arbitrary: fc.constant(name) })))
  .chain((command) =>
    fc
      .tuple(headOf(command), optionsOf(COMMANDS[command].spec), tailOf(command))
      .map(([head, options, tail]) => [...head, ...options.flat(), ...tail]),
  );

/** AI_PING_DEBUG now and then: the same exit codes, and then a crash may show its stack. */
const debug = fc.oneof(
  { weight: 7, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('1', 'sql') },
);

// ---- malformed files ----

const malformed = fc.array(fc.constantFrom(...FILES), { minLength: 1, maxLength: 2 });
const fileCommand = fc.oneof(
  fc
    .tuple(malformed, fc.subarray(['--strict', '--kind']), fc.boolean())
    .map(([f, extra, good]) => [
      'ingest',
      ...(good ? ['@FX:ingest/requests.csv'] : []),
      ...f,
      '--db',
      '@DB',
      ...(extra.includes('--kind') ? ['--kind', 'requests'] : []),
      ...(extra.includes('--strict') ? ['--strict'] : []),
    ]),
  malformed.map((f) => ['ingest', ...f, '--db', '@NEW_DB']),
  malformed.map((f) => ['analyze', ...f]),
  malformed.map((f) => ['simulate', ...f, '--policy', 'cost', '--bootstrap', '20']),
  fc.constantFrom(...FILES).map((f) => ['analyze', '--db', '@DB', '--catalog', f]),
  fc.constantFrom(...FILES).map((f) => ['catalog', 'Qwen3-32B', '--db', '@DB', '--catalog', f]),
);

/** FUZZ_SEED and FUZZ_RUNS explore beyond CI's cases locally, e.g. FUZZ_SEED=7 FUZZ_RUNS=200. */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;

/** Crashes this test found once (each exited 1 with a stack, or 2 as an internal error): run first, every time. */
const FOUND_LINES: [string[], string | undefined][] = [
  // counts beyond a safe integer reached DuckDB as BIGINT parameters
  [['simulate', '--db', '@DB', '--policy', 'cost', '--seed', '9223372036854775807'], undefined],
  [['report', '--db', '@DB', '--bootstrap', '1e30'], undefined],
  // a file where generate's folder should be
  [['generate', '--out', '@F:junk.csv', '--requests', '20'], undefined],
  // retries past the providers (SQL nested beyond DuckDB's depth), resamples near 2^53 (no end)
  [['simulate', '--db', '@DB', '--policy', 'cost', '--retries', '300', '--bootstrap', '0'], undefined],
  [['simulate', '--db', '@DB', '--policy', 'cost', '--bootstrap', '9007199254740991'], undefined],
];
const FOUND_FILES: string[][] = [
  // JSON that types a text column as a number (request ids) or ts as a boolean, list or object
  ['ingest', '@F:numeric-ids.json', '--db', '@DB'],
  ['ingest', '@F:wrong-types.json', '--db', '@DB'],
  ['analyze', '@F:wrong-types.json'],
  // the issue's known cases: huge token counts, a corrupt Parquet body
  ['ingest', '@F:huge-tokens.csv', '--db', '@DB', '--strict'],
  ['ingest', '@FX:ingest/requests.csv', '@FX:ingest/bad/corrupt-body.parquet', '--db', '@DB'],
];

describe('fuzz: the CLI never crashes', () => {
  before(async () => {
    writeFiles();
    await writeDatabases();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  // endOnFailure: each case spawns a process, and shrinking would spawn hundreds; the first case is shown.
  // numRuns counts the examples, which run first.
  test('generated command lines: exit 0, 2 or a failed gate, one error line, the database kept', async () => {
    await fc.assert(fc.asyncProperty(commandLine, debug, check), {
      seed: SEED ?? 19,
      numRuns: RUNS ?? FOUND_LINES.length + 22,
      examples: FOUND_LINES,
      endOnFailure: true,
      includeErrorInReport: true,
    });
  });

  test('malformed files, databases and catalogs: exit 2 with one line naming the file, the database kept', async () => {
    await fc.assert(
      fc.asyncProperty(fileCommand, (args) => check(args)),
      {
        seed: SEED ?? 1904,
        numRuns: RUNS ?? FOUND_FILES.length + 12,
        examples: FOUND_FILES.map((args) => [args]),
        endOnFailure: true,
        includeErrorInReport: true,
      },
    );
  });

  test('a failed gate still exits 1', async () => {
    const r = await run(['report', '--db', templateOf('@DB'), '--bootstrap', '0', '--fail-if', 'gini > -1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^ai-ping: gate\(s\) failed: gini > -1/);
  });

  /**
   * A bug no fuzz case reaches, made on purpose: stdout's write is replaced (through --import) by one that
   * throws in the command, throws later from a callback, leaves a promise rejected, or fails the stream.
   */
  describe('an unexpected error exits 2 with one line, the stack only with AI_PING_DEBUG', () => {
    const broken = (code: string) => ['--import', `data:text/javascript,${encodeURIComponent(code)}`];
    for (const [where, code, message] of [
      ['thrown in a command', 'process.stdout.write = () => { throw new TypeError("kaboom\\nmore"); };', 'kaboom'],
      [
        'thrown later, from a callback',
        'process.stdout.write = () => { setImmediate(() => { throw new Error("late"); }); return true; };',
        'late',
      ],
      [
        'a promise nobody awaits',
        'process.stdout.write = () => { Promise.reject(new Error("lost")); return true; };',
        'lost',
      ],
      [
        'a stdout error other than EPIPE',
        'process.stdout.write = () => { setImmediate(() => process.stdout.emit("error", Object.assign(new Error("write EIO"), { code: "EIO" }))); return true; };',
        'write EIO',
      ],
    ] as const) {
      test(where, async () => {
        const r = await run(['--version'], {}, broken(code));
        assert.equal(r.code, 2);
        assert.equal(r.stderr, `ai-ping: internal error: ${message} (set AI_PING_DEBUG=1 for the stack)\n`);
        const d = await run(['--version'], { AI_PING_DEBUG: '1' }, broken(code));
        assert.equal(d.code, 2);
        assert.match(d.stderr, new RegExp(`^ai-ping: internal error: ${message}\\n\\w*Error: ${message}\\n`));
        assert.match(d.stderr, /\n {4}at /, 'the stack');
      });
    }
  });
});
