/**
 * `ai-ping pull`: downloads today's public price catalogue (models.dev, LiteLLM, OpenRouter's
 * models or endpoints) and writes it unchanged, gzip-compressed, as a dated snapshot
 * `DIR/<YYYY-MM-DD>/<file>.json.gz` that the matching ingest preset reads. The one command that
 * touches the network: everything is fetched and checked before anything is written.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InputError, UsageError } from '../errors.js';
import { formatNumber, type Report } from '../report/index.js';
import { calendarDay } from '../time.js';

export const PULL_SOURCES = ['models-dev', 'litellm', 'openrouter-models', 'openrouter-endpoints'] as const;
export type PullSource = (typeof PULL_SOURCES)[number];

export interface PullOptions {
  source: string;
  /** The snapshot folder; files go to `out/<date>/…`. */
  out: string;
  /** openrouter-endpoints: OpenRouter model ids (`author/slug`), each possibly a comma-separated list. */
  models?: string[];
  /** `YYYY-MM-DD`; default today, UTC. */
  date?: string;
  /** Replace a file that exists for that day instead of skipping it. */
  force?: boolean;
  timeoutSeconds: number;
  /** Further attempts after a network error, HTTP 429 or 5xx. */
  retries: number;
  /** A mirror: scheme, host and optional path prefix that replace the public URL's scheme and host. */
  baseUrl?: string;
  /** Sent as a Bearer token to OpenRouter's API only. */
  apiKey?: string;
  /** One line per file written or skipped. */
  onNote?: (msg: string) => void;
}

export interface PulledFile {
  file: string;
  /** The URL requested (after --base-url). */
  url: string;
  status: 'written' | 'replaced' | 'skipped';
  /** Size of the written .gz file; null when skipped. */
  bytes: number | null;
  /** Size of the JSON as served; null when skipped. */
  jsonBytes: number | null;
}

export interface PullResult {
  source: PullSource;
  date: string;
  /** The date folder the files are in. */
  dir: string;
  files: PulledFile[];
  /** Files written (replaced ones included). */
  written: number;
  skipped: number;
  /** Bytes written, compressed. */
  bytes: number;
}

/** One file to download: its public URL and its name inside the date folder. */
interface Download {
  url: string;
  file: string;
}

interface SourceSpec {
  /** What the body must be, for the error message. */
  expected: string;
  isExpected(body: unknown): boolean;
  /** The ingest preset that reads the written files. */
  preset: string;
  /** OpenRouter's API: the one that takes OPENROUTER_API_KEY. */
  openrouter: boolean;
}

const OPENROUTER_API = 'https://openrouter.ai/api/v1';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const SOURCES: Record<PullSource, SourceSpec> = {
  'models-dev': {
    expected: 'a models.dev catalogue (an object of providers, each with its models)',
    isExpected: (b) =>
      isObject(b) && Object.keys(b).length > 0 && Object.values(b).every((p) => isObject(p) && isObject(p.models)),
    preset: 'models-dev',
    openrouter: false,
  },
  litellm: {
    expected: 'a LiteLLM price catalogue (an object keyed by model, entries with litellm_provider)',
    isExpected: (b) =>
      isObject(b) && Object.values(b).some((e) => isObject(e) && typeof e.litellm_provider === 'string'),
    preset: 'litellm-prices',
    openrouter: false,
  },
  'openrouter-models': {
    expected: 'an OpenRouter model list ({data: [{id, …}]})',
    isExpected: (b) =>
      isObject(b) &&
      Array.isArray(b.data) &&
      b.data.length > 0 &&
      b.data.every((m) => isObject(m) && typeof m.id === 'string'),
    preset: 'openrouter-models',
    openrouter: true,
  },
  'openrouter-endpoints': {
    expected: "an OpenRouter model's endpoints ({data: {id, endpoints: […]}})",
    isExpected: (b) => isObject(b) && isObject(b.data) && Array.isArray(b.data.endpoints),
    preset: 'openrouter-endpoints',
    openrouter: true,
  },
};

/** An OpenRouter id: `author/slug`, each part a name that cannot climb out of a folder. */
const OPENROUTER_ID = /^([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*)$/;

/** What each source downloads, at its public URL. */
function downloadsOf(source: PullSource, models: string[]): Download[] {
  switch (source) {
    case 'models-dev':
      return [{ url: 'https://models.dev/api.json', file: 'api.json.gz' }];
    case 'litellm':
      return [
        {
          url: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
          file: 'model_prices_and_context_window.json.gz',
        },
      ];
    case 'openrouter-models':
      return [{ url: `${OPENROUTER_API}/models`, file: 'models.json.gz' }];
    case 'openrouter-endpoints':
      return models.map((id) => {
        const [, author, slug] = OPENROUTER_ID.exec(id)!;
        return {
          url: `${OPENROUTER_API}/models/${author}/${slug}/endpoints`,
          file: `endpoints/${author}--${slug}.json.gz`,
        };
      });
  }
}

/** The URL a request goes to: the mirror's scheme, host and path prefix, then the public URL's path. */
export function mirroredUrl(url: string, baseUrl: string | undefined): string {
  return baseUrl === undefined ? url : baseUrl.replace(/\/+$/, '') + new URL(url).pathname;
}

const BACKOFF_MS = 500;
const MAX_DELAY_MS = 60_000;

/**
 * The wait before attempt `attempt + 1`: the server's Retry-After (seconds or an HTTP date) when it
 * sends one, else 0.5 s doubling per attempt; at most 60 s either way.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null, now = Date.now()): number {
  const text = retryAfter?.trim();
  if (text) {
    const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), MAX_DELAY_MS);
  }
  return Math.min(BACKOFF_MS * 2 ** attempt, MAX_DELAY_MS);
}

interface Plan {
  source: PullSource;
  spec: SourceSpec;
  date: string;
  dir: string;
  downloads: Download[];
  timeoutMs: number;
  retries: number;
  baseUrl?: string;
}

function plan(o: PullOptions, today: string): Plan {
  if (!(PULL_SOURCES as readonly string[]).includes(o.source)) {
    throw new UsageError(`pull: unknown source '${o.source}'; expected ${PULL_SOURCES.join(', ')}`);
  }
  const source = o.source as PullSource;
  if (!o.out) throw new UsageError(`pull ${source} needs a snapshot folder (--out DIR)`);
  const models = [
    ...new Set(
      (o.models ?? [])
        .flatMap((m) => m.split(','))
        .map((m) => m.trim())
        .filter(Boolean),
    ),
  ];
  if (source === 'openrouter-endpoints') {
    if (!models.length)
      throw new UsageError(
        'pull openrouter-endpoints needs --model ID (an OpenRouter id such as deepseek/deepseek-v3.2)',
      );
    const bad = models.find((m) => !OPENROUTER_ID.test(m));
    if (bad !== undefined)
      throw new UsageError(`--model '${bad}': expected an OpenRouter id AUTHOR/SLUG such as deepseek/deepseek-v3.2`);
  } else if (models.length) {
    throw new UsageError(`--model applies to openrouter-endpoints only, not to ${source}`);
  }
  const date = o.date === undefined ? today : calendarDay(o.date);
  if (!date || (o.date !== undefined && o.date.trim() !== date)) {
    throw new UsageError(`--date '${o.date}': expected a calendar day YYYY-MM-DD`);
  }
  // a timer longer than 2^31 ms fires at once, so a day is the limit
  if (!(o.timeoutSeconds > 0 && o.timeoutSeconds <= 86_400)) {
    throw new UsageError(`--timeout must be a number of seconds above 0 and at most 86400, got '${o.timeoutSeconds}'`);
  }
  if (!(Number.isSafeInteger(o.retries) && o.retries >= 0)) {
    throw new UsageError(`--retries must be a non-negative integer, got '${o.retries}'`);
  }
  if (o.baseUrl !== undefined) {
    const u = URL.canParse(o.baseUrl) ? new URL(o.baseUrl) : undefined;
    if (!u || !['http:', 'https:'].includes(u.protocol) || u.search || u.hash || /[?#]/.test(o.baseUrl)) {
      throw new UsageError(
        `--base-url '${o.baseUrl}': expected an http or https URL such as http://mirror.example:8080/prefix (no query or fragment)`,
      );
    }
  }
  return {
    source,
    spec: SOURCES[source],
    date,
    dir: path.join(o.out, date),
    downloads: downloadsOf(source, models),
    timeoutMs: o.timeoutSeconds * 1000,
    retries: o.retries,
    baseUrl: o.baseUrl,
  };
}

const gzipAsync = promisify(gzip);

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Why a fetch failed, in a few words: the socket's error (`connect ECONNREFUSED …`), else the error's own. */
function networkReason(e: unknown, url: string, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  // fetch never connects to a few ports (1, 9, 25, …: the Fetch standard's "bad ports")
  if (err.cause?.message === 'bad port') return `fetch does not connect to port ${new URL(url).port}`;
  return err.cause?.message || err.cause?.code || err.message || String(e);
}

const attempts = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);

/**
 * GETs `url`, retrying network errors, 429 and 5xx; the body's bytes as served. Any other status,
 * or the last failure, is an InputError of one line.
 */
async function fetchBytes(url: string, p: Plan, headers: Record<string, string>): Promise<Buffer> {
  const label = `pull ${p.source}`;
  for (let attempt = 0; ; attempt++) {
    // what went wrong: the socket's reason, or the HTTP status to retry on
    let unreachable: string | undefined;
    let status: string | undefined;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(p.timeoutMs) });
      if (res.ok) return Buffer.from(await res.arrayBuffer());
      await res.body?.cancel();
      status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      if (res.status !== 429 && res.status < 500) {
        throw new InputError(`${label}: ${url} answered ${status}; nothing written`);
      }
      retryAfter = res.headers.get('retry-after');
    } catch (e) {
      if (e instanceof InputError) throw e;
      unreachable = networkReason(e, url, p.timeoutMs);
    }
    if (attempt >= p.retries) {
      const tried = attempts(attempt + 1);
      throw new InputError(
        unreachable !== undefined
          ? `${label}: cannot reach ${url} (${unreachable}; ${tried}); check the network or pass --base-url`
          : `${label}: ${url} answered ${status} (${tried}); try again later or pass --base-url`,
      );
    }
    await sleep(retryDelayMs(attempt, retryAfter));
  }
}

/** The body as served, once it is known to be JSON of the source's shape. */
function checkBody(bytes: Buffer, url: string, p: Plan): void {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new InputError(`pull ${p.source}: ${url} did not answer JSON (${why}); nothing written`);
  }
  if (!p.spec.isExpected(body)) {
    throw new InputError(`pull ${p.source}: ${url} did not answer ${p.spec.expected}; nothing written`);
  }
}

/** Writes through a temporary file in the same folder and a rename, so a reader never sees part of a file. */
async function writeAtomically(file: string, bytes: Buffer, label: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, bytes, { flag: 'wx' });
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw new InputError(`${label}: cannot write ${file}: ${(e as Error).message}`);
  }
}

export async function pull(o: PullOptions): Promise<PullResult> {
  const p = plan(o, new Date().toISOString().slice(0, 10));
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': `ai-ping/${version}` };
  if (p.spec.openrouter && o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;

  const files: PulledFile[] = [];
  const fetched: { entry: PulledFile; gz: Buffer; jsonBytes: number }[] = [];
  for (const d of p.downloads) {
    const file = path.join(p.dir, d.file);
    const url = mirroredUrl(d.url, p.baseUrl);
    const exists = existsSync(file);
    if (exists && !o.force) {
      files.push({ file, url, status: 'skipped', bytes: null, jsonBytes: null });
      o.onNote?.(`pull ${p.source}: ${file} exists, skipped (--force replaces it)`);
      continue;
    }
    const json = await fetchBytes(url, p, headers);
    checkBody(json, url, p);
    const gz = await gzipAsync(json, { level: 9 });
    const entry: PulledFile = {
      file,
      url,
      status: exists ? 'replaced' : 'written',
      bytes: gz.length,
      jsonBytes: json.length,
    };
    files.push(entry);
    fetched.push({ entry, gz, jsonBytes: json.length });
  }
  // Written only once every download arrived and passed its check.
  for (const { entry, gz, jsonBytes } of fetched) {
    await writeAtomically(entry.file, gz, `pull ${p.source}`);
    o.onNote?.(
      `pull ${p.source}: ${entry.status === 'replaced' ? 'replaced' : 'wrote'} ${entry.file} ` +
        `(${formatNumber(gz.length)} bytes; ${formatNumber(jsonBytes)} bytes of JSON)`,
    );
  }
  return {
    source: p.source,
    date: p.date,
    dir: p.dir,
    files,
    written: fetched.length,
    skipped: files.length - fetched.length,
    bytes: fetched.reduce((n, f) => n + f.gz.length, 0),
  };
}

export function pullReport(r: PullResult): Report {
  const preset = SOURCES[r.source].preset;
  const target = r.source === 'openrouter-endpoints' ? path.join(r.dir, 'endpoints') : (r.files[0]?.file ?? r.dir);
  return {
    json: r,
    sections: [
      {
        title: `pull ${r.source}, snapshot of ${r.date}`,
        columns: ['file', 'status', 'bytes', 'JSON bytes'],
        rows: r.files.map((f) => [f.file, f.status, f.bytes, f.jsonBytes]),
      },
    ],
    notes: [
      `${r.written} file(s) written (${formatNumber(r.bytes)} bytes), ${r.skipped} skipped` +
        (r.skipped ? ' (--force replaces them).' : '.'),
      `Next: ai-ping ingest ${target} --preset ${preset}`,
    ],
  };
}
