/**
 * The one place that reads argv and decides exit codes. Command modules are
 * imported lazily so that `--help` never loads DuckDB.
 */
import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { exitCodeOf, GateFailure, isKnownError, UsageError } from '../errors.js';
import type { Format, Report } from '../report/index.js';
import { CACHE_MODES, DEFAULT_CACHE_KEY, DEFAULT_CACHE_MODE, DEFAULT_CACHE_TTL } from '../simulate/cache.js';
import { OBJECTIVES, parsePolicies, POLICY_HELP, type Objective } from '../simulate/policy.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

interface OutputOptions {
  format?: Format;
  out?: string;
}

/** Gate figure names, for --help (kept in sync with src/commands/gates.ts by a test). */
export const GATE_NAMES =
  'savingsPct, throughputGainPct, failureRate, stalePriceDays, unknownModels, rejectedRows, inertiaIndex, top1Share, gini, billingDeltaPct';

const formatOption = () =>
  new Option('--format <format>', 'output format (default: table on a terminal, md when $CI is set)').choices([
    'table',
    'md',
    'json',
    'csv',
  ]);
const outOption = () => new Option('--out <file>', 'write the result to FILE instead of stdout');
/** The one place the database path is decided: --db, else $AI_PING_DB, else ./ai-ping.duckdb. */
/** Replay options `simulate` and `report` share. */
const stateOption = () =>
  new Option(
    '--state <state>',
    'per-window provider state, one state over all measurements, or none: judge on listing, price, context and features only (for logs and prices without measurements)',
  )
    .choices(['windowed', 'static', 'none'])
    .default('windowed');
const marketAtOption = () =>
  new Option(
    '--market-at <time>',
    'replay every request against the market as it stood at this time (or latest): prices, offerings and the static state up to it',
  );
/** Where logged cache hits stay hits in the replay, and what makes a cache chain. */
const cacheOption = () =>
  new Option(
    '--cache <mode>',
    "chain: a request's cached tokens stay a hit where its chain's previous request went (the first: where it was served); warm: wherever it goes; cold: only where it was served",
  )
    .choices(CACHE_MODES)
    .default(DEFAULT_CACHE_MODE);
const cacheKeyOption = () =>
  new Option(
    '--cache-key <columns>',
    "what makes a cache chain: the first of these request columns a request has (session, app, user, task), or 'none': one per model",
  ).default(DEFAULT_CACHE_KEY.join(','));
const cacheTtlOption = () =>
  new Option('--cache-ttl <duration>', 'a longer gap between requests of one key starts a new cache chain').default(
    DEFAULT_CACHE_TTL,
  );
const minSuccessOption = () =>
  new Option('--min-success <rate>', 'providers below this success rate are infeasible')
    .argParser(parseFraction('--min-success'))
    .default(0.9);

const dbOption = () =>
  new Option('--db <file>', 'database file').default(
    process.env.AI_PING_DB || 'ai-ping.duckdb',
    '$AI_PING_DB or ./ai-ping.duckdb',
  );

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `code=latency,doc-analysis=cost` into an objective per task. */
function parseTaskObjectives(text: string): Record<string, Objective> {
  const out: Record<string, Objective> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [task, objective] = pair.split('=').map((x) => x.trim());
    if (!task || !(OBJECTIVES as readonly string[]).includes(objective)) {
      throw new UsageError(`--task-objective '${pair}': expected TASK=${OBJECTIVES.join('|')}`);
    }
    out[task] = objective as Objective;
  }
  return out;
}

/** `cost=2,latency=1`: balanced's weights (each a finite number ≥ 0; the ones not named stay 1). */
function parseWeights(text: string): Partial<Record<'cost' | 'latency' | 'throughput', number>> {
  const out: Partial<Record<'cost' | 'latency' | 'throughput', number>> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = pair.split('=').map((x) => x.trim());
    const w = Number(value);
    if (
      !['cost', 'latency', 'throughput'].includes(name) ||
      value === undefined ||
      value === '' ||
      !(Number.isFinite(w) && w >= 0)
    ) {
      throw new UsageError(`--weights '${pair}': expected cost|latency|throughput=NUMBER (a finite number ≥ 0)`);
    }
    out[name as 'cost'] = w;
  }
  return out;
}

const LATENCY_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `latency=8s` (or `p90-latency=8s`, or `8s`): sla's objective in ms. */
function parseSlo(text: string): number {
  const m = /^\s*(?:(?:p90-)?latency\s*=\s*)?(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/i.exec(text);
  const ms = m ? Number(m[1]) * LATENCY_UNIT_MS[m[2].toLowerCase()] : NaN;
  if (!(ms > 0))
    throw new UsageError(
      `--slo '${text}': expected latency=DURATION with a unit, such as latency=8s or latency=2500ms`,
    );
  return ms;
}

/** A comma-separated list of names, none empty. */
function parseList(text: string): string[] {
  const items = text.split(',').map((x) => x.trim());
  if (items.some((x) => !x)) throw new UsageError(`'${text}' is not a comma-separated list of provider names`);
  return items;
}

function parseFraction(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n >= 0 && n <= 1)) throw new UsageError(`${name} must be a number from 0 to 1, got '${v}'`);
    return n;
  };
}

function parseInteger(name: string) {
  return (v: string): number => {
    // a safe integer: larger ones reach DuckDB as BIGINT parameters out of range; blank is not 0
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new UsageError(`${name} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got '${v}'`);
    return n;
  };
}

/** A run whose gates failed ends in exit 1, naming each failed gate and its figure. */
function failGates(gates: { expr: string; figure: string; actual: number | null; failed: boolean }[]): void {
  const failed = gates.filter((g) => g.failed);
  if (failed.length)
    throw new GateFailure(`gate(s) failed: ${failed.map((g) => `${g.expr} (${g.figure} = ${g.actual})`).join('; ')}`);
}

async function emit(report: Report, opts: OutputOptions): Promise<void> {
  endProgress();
  const { render } = await import('../report/index.js');
  // md in CI jobs, where output lands in logs and job summaries
  const text = await render(report, opts.format ?? (process.env.CI ? 'md' : 'table'));
  if (opts.out) {
    await writeFile(opts.out, text).catch((e: Error) => {
      throw new UsageError(`--out ${opts.out}: cannot write: ${e.message}`);
    });
  } else process.stdout.write(text);
}

export function buildProgram(): Command {
  const program = new Command('ai-ping')
    .description(
      'Where your open-weight LLM demand goes, how providers of the same model differ,\nand what routing would have saved.',
    )
    .version(pkg.version)
    .option('-q, --quiet', 'no progress and no warnings on stderr (errors still go there)')
    .option(
      '--memory-limit <size>',
      "DuckDB's memory ceiling, e.g. 8GB (default: $AI_PING_MEMORY_LIMIT, else a quarter of RAM)",
    )
    .option(
      '--temp-dir <dir>',
      'where work larger than memory spills (default: $AI_PING_TEMP_DIR, else <db>.tmp, or the system temporary folder)',
    )
    .hook('preAction', async (cmd, action) => {
      const o = cmd.opts();
      quiet = Boolean(o.quiet);
      // every database a command opens reads them from the environment
      if (o.memoryLimit) process.env.AI_PING_MEMORY_LIMIT = o.memoryLimit;
      if (o.tempDir) process.env.AI_PING_TEMP_DIR = o.tempDir;
      const memory = process.env.AI_PING_MEMORY_LIMIT;
      if (memory && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memory))
        throw new UsageError(`--memory-limit '${memory}' is not a size such as 512MB or 8GB`);
      checkFolders(action);
      // loaded only for a command that runs, so that --help never loads DuckDB
      if (process.env.AI_PING_DEBUG === 'sql') (await import('../store/db.js')).debugSql(true);
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  ai-ping demo                                   generate demo data, ingest it, show what the tool sees
  ai-ping ingest logs/*.parquet prices.csv       load request logs and snapshots into ./ai-ping.duckdb
  ai-ping analyze --by tokens --format md        where demand goes, version inertia, how providers differ
  ai-ping simulate --policy cost --model Qwen3-32B
                                                 what routing would have saved against official access
  ai-ping report --out report.md --fail-if 'savingsPct < 10'
                                                 a Markdown report for CI, failing when a gate holds
  ai-ping catalog deepseek-ai/DeepSeek-V3.1      how a model name resolves to model, line and family
  ai-ping providers --model Qwen3-32B            the same model, different services
  ai-ping generate --out demo-data --requests 100000 --seed 7
                                                 write a calibrated synthetic market as Parquet
  ai-ping pull litellm --out prices/litellm      download today's LiteLLM prices as a dated snapshot

Exit codes: 0 success, 1 a failed CI gate, 2 bad usage or bad input.`,
    );

  program
    .command('ingest')
    .description('load files into the database: request logs, offerings, prices, latency, probes, catalog')
    .argument(
      '[file...]',
      'files, globs, folders or hive-partitioned folders (Parquet, CSV, JSONL, JSON, Arrow IPC, .gz)',
    )
    .addOption(dbOption())
    .addOption(
      new Option('--kind <kind>', 'table to load into (inferred from the columns when omitted)').choices([
        'requests',
        'offerings',
        'prices',
        'latency',
        'probes',
        'catalog',
      ]),
    )
    .option('--preset <name>', "read a known real-world layout ('--preset list' shows them)")
    .option('--set <column=value>', 'fill a column the source lacks (repeatable)', collect, [])
    .option(
      '--map <canonical=source>',
      'read a canonical column from a source column of another name, or from a dotted path into nested fields such as usage.prompt_tokens (repeatable)',
      collect,
      [],
    )
    .option('--strict', 'fail the whole ingest (exit 2, nothing lands) if any row is rejected')
    .addOption(formatOption())
    .addOption(outOption())
    .addHelpText(
      'after',
      '\nExample:\n  ai-ping ingest logs/ --set provider=azure --set task=code --map input_tokens=prompt_len',
    )
    .action(async (files: string[], opts) => {
      const { ingest, ingestReport, listPresets, presetListReport } = await import('../commands/ingest.js');
      if (opts.preset === 'list') return emit(presetListReport(listPresets()), opts);
      const result = await ingest({ ...opts, files, db: opts.db, onWarn: warn, onProgress: progress });
      await emit(ingestReport(result), opts);
      const rejected = result.files.reduce((n, f) => n + f.rejected, 0);
      if (rejected > 0) warn(`${rejected} row(s) rejected and kept in the database's 'rejects' table`);
    });

  program
    .command('catalog')
    .description(
      'show how model names (or, with --providers, provider names) resolve, and list unknown names in the database',
    )
    .argument('[name...]', 'model names as logged (provider names with --providers)')
    .addOption(dbOption())
    .option('--catalog <file>', 'a catalog file applied on top of the built-in catalog')
    .option('--providers', 'resolve provider names: canonical id, display name, host or gateway')
    .option('--all', 'list the whole built-in catalog')
    .addOption(formatOption())
    .addOption(outOption())
    .addHelpText(
      'after',
      '\nExamples:\n  ai-ping catalog accounts/fireworks/models/deepseek-v3p1 Qwen/Qwen3-32B-FP8\n  ai-ping catalog --providers fireworks_ai FIREWORKS "Google AI Studio"',
    )
    .action(async (names: string[], opts) => {
      const c = await import('../commands/catalog.js');
      if (opts.providers) await emit(c.providerCatalogReport(await c.providerCatalog({ ...opts, names })), opts);
      else await emit(c.catalogReport(await c.catalog({ ...opts, names })), opts);
    });

  program
    .command('analyze')
    .description('demand concentration, version inertia, supply vs use, service heterogeneity, task regimes')
    .argument('[file...]', 'request logs (and other tables) to analyse in memory, instead of a database')
    .addOption(dbOption())
    .option('--catalog <file>', 'a catalog file applied on top of the built-in catalog')
    .addOption(new Option('--by <unit>', 'demand unit').choices(['tokens', 'requests', 'cost']).default('tokens'))
    .addOption(
      new Option('--level <level>', 'what concentration groups by')
        .choices(['family', 'model', 'provider'])
        .default('family'),
    )
    .option('--from <date>', 'first day (inclusive, UTC)')
    .option('--to <date>', 'last day (inclusive, UTC)')
    .option('--model <name>', 'only this model (any spelling)')
    .option('--task <task>', 'only this task')
    .addOption(formatOption())
    .addOption(outOption())
    .addHelpText(
      'after',
      '\nExample:\n  ai-ping analyze logs.parquet --by requests --from 2025-10-01 --to 2025-12-31 --format md',
    )
    .action(async (files: string[], opts) => {
      const { analyze, analyzeReport } = await import('../commands/analyze.js');
      await emit(analyzeReport(await analyze({ ...opts, files, onProgress: progress, onWarn: warn })), opts);
    });

  program
    .command('reconcile')
    .description(
      'billed cost vs list cost per model and provider, the prices the bills imply, and why a request was not compared',
    )
    .argument('[file...]', 'request logs (with prices) to reconcile in memory, instead of a database')
    .addOption(dbOption())
    .option('--catalog <file>', 'a catalog file applied on top of the built-in catalog')
    .option('--model <name>', 'only this model (any spelling)')
    .option('--from <date>', 'first day (inclusive, UTC)')
    .option('--to <date>', 'last day (inclusive, UTC)')
    .option(
      '--save-prices',
      "store the fitted prices in the database as billed price snapshots, for 'simulate --prices billed|both'",
    )
    .option(
      '--fail-if <expr>',
      'fail (exit 1) when FIGURE OP NUMBER holds, repeatable; figure: billingDeltaPct',
      collect,
    )
    .addOption(formatOption())
    .addOption(outOption())
    .addHelpText(
      'after',
      "\nExamples:\n  ai-ping reconcile --db gateway.duckdb --fail-if 'billingDeltaPct > 5'\n  ai-ping reconcile --db gateway.duckdb --save-prices && ai-ping simulate --db gateway.duckdb --policy cost --prices both",
    )
    .action(async (files: string[], opts) => {
      const { reconcileCommand, reconcileReport } = await import('../commands/reconcile.js');
      const result = await reconcileCommand({
        ...opts,
        files,
        savePrices: Boolean(opts.savePrices),
        onProgress: progress,
        onWarn: warn,
      });
      await emit(reconcileReport(result), opts);
      failGates(result.gates);
    });

  program
    .command('simulate')
    .description('replay the logged traffic under routing policies: cost, throughput and failures vs a baseline')
    .argument('[file...]', 'request logs and market tables to replay in memory, instead of a database')
    .requiredOption('--policy <list>', `comma-separated: ${POLICY_HELP}`, parsePolicies)
    .addOption(dbOption())
    .option('--catalog <file>', 'a catalog file applied on top of the built-in catalog')
    .option('--baseline <baseline>', 'official, observed or provider:NAME', 'official')
    .addOption(
      new Option('--info <info>', 'decide on the previous window (causal) or the current one (hindsight)')
        .choices(['causal', 'hindsight'])
        .default('causal'),
    )
    .addOption(stateOption())
    .addOption(marketAtOption())
    .addOption(cacheOption())
    .addOption(cacheKeyOption())
    .addOption(cacheTtlOption())
    .addOption(
      new Option(
        '--prices <source>',
        "which prices replay: list, billed (fitted from bills by 'reconcile --save-prices'), or both (list where in force, billed elsewhere)",
      )
        .choices(['list', 'billed', 'both'])
        .default('list'),
    )
    .option(
      '--providers <list>',
      'candidates of every policy: only these providers (the baseline is never filtered)',
      parseList,
    )
    .option('--exclude-providers <list>', 'candidates of every policy: not these providers', parseList)
    .option('--hosts-only', 'candidates of every policy: no gateways (OpenRouter, Vercel, …)')
    .option('--window <duration>', 'decision window, aligned to UTC (e.g. 1h, 30m, 1d)', '1h')
    .option('--stale <duration>', 'carry a measured state forward at most this long', '24h')
    .addOption(minSuccessOption())
    .option(
      '--bootstrap <n>',
      'day-block bootstrap resamples for the 95% intervals (0: off)',
      parseInteger('--bootstrap'),
      200,
    )
    .option('--seed <s>', 'random seed (random policy, bootstrap)', parseInteger('--seed'), 42)
    .option('--from <date>', 'first day (inclusive, UTC)')
    .option('--to <date>', 'last day (inclusive, UTC)')
    .option('--model <name>', 'only this model (any spelling)')
    .option('--task <task>', 'only this task')
    .option('--include-anomalous-prices', 'also route to prices flagged as anomalous')
    .addOption(new Option('--by <group>', 'also report each policy per model or per task').choices(['model', 'task']))
    .option(
      '--retries <n>',
      "after a failed attempt, fall back to the policy's next choice at most N times",
      parseInteger('--retries'),
      0,
    )
    .option('--failed-attempts-free', 'failed attempts bill nothing (default: their input tokens)')
    .option(
      '--weights <list>',
      'balanced: weights of the min–max-normalised criteria, e.g. cost=2,latency=1,throughput=0 (default 1 each)',
      parseWeights,
    )
    .option(
      '--slo <objective>',
      'sla: the cheapest provider whose expected end-to-end latency for the request is at most this, else the fastest; ' +
        'latency=DURATION (p90-latency= is read the same), e.g. latency=8s or latency=2500ms (default 8s)',
      parseSlo,
    )
    .option(
      '--task-objective <list>',
      'task-aware objectives, e.g. code=latency,doc-analysis=cost (cost, throughput, latency, ttft); defaults: ' +
        'code=latency, chat=ttft, agent=latency, reasoning=throughput, doc-analysis=cost, others cost',
      parseTaskObjectives,
    )
    .addOption(formatOption())
    .addOption(outOption())
    .addHelpText(
      'after',
      '\n--out FILE.arrow writes the per-request decisions as Arrow IPC (the report still goes to stdout).' +
        '\n\nExample:\n  ai-ping simulate --policy cost,throughput --model Qwen3-32B --baseline official --info hindsight',
    )
    .action(async (files: string[], opts) => {
      const { simulateCommand, simulateReport } = await import('../commands/simulate.js');
      // An Arrow file takes the per-request decisions; the report still goes to stdout.
      const decisions = /\.(arrow|ipc|feather)$/i.test(opts.out ?? '') ? opts.out : undefined;
      const result = await simulateCommand({
        ...opts,
        decisions,
        files,
        policies: opts.policy,
        taskObjectives: opts.taskObjective,
        sloLatencyMs: opts.slo,
        includeAnomalousPrices: Boolean(opts.includeAnomalousPrices),
        failedAttemptsFree: Boolean(opts.failedAttemptsFree),
        hostsOnly: Boolean(opts.hostsOnly),
        onProgress: progress,
        onWarn: warn,
      });
      await emit(simulateReport(result), { ...opts, out: decisions ? undefined : opts.out });
    });

  program
    .command('report')
    .description(
      'one Markdown or HTML report for people and CI: the answer first, then demand, providers, routing, data quality',
    )
    .addOption(dbOption())
    .option('--catalog <file>', 'a catalog file applied on top of the built-in catalog')
    .addOption(
      new Option('--policy <list>', `routing policies to replay, comma-separated: ${POLICY_HELP}`)
        .argParser(parsePolicies)
        .default(parsePolicies('cost,throughput'), 'cost,throughput'),
    )
    .option('--baseline <baseline>', 'official, observed or provider:NAME', 'official')
    .addOption(stateOption())
    .addOption(marketAtOption())
    .addOption(cacheOption())
    .addOption(cacheKeyOption())
    .addOption(cacheTtlOption())
    .addOption(minSuccessOption())
    .option('--model <name>', 'only this model (any spelling)')
    .option('--from <date>', 'first day (inclusive, UTC)')
    .option('--to <date>', 'last day (inclusive, UTC)')
    .option('--bootstrap <n>', 'bootstrap resamples for the 95% intervals', parseInteger('--bootstrap'), 200)
    .option(
      '--fail-if <expr>',
      `fail (exit 1) when FIGURE OP NUMBER holds, repeatable; figures: ${GATE_NAMES}`,
      collect,
      [],
    )
    .addOption(
      new Option(
        '--format <format>',
        'md (GitHub, Mermaid charts), html (one self-contained page, SVG charts), json, table or csv',
      )
        .choices(['md', 'html', 'json', 'table', 'csv'])
        .default('md'),
    )
    .addOption(outOption())
    .addHelpText(
      'after',
      "\nExamples:\n  ai-ping report --out report.md --fail-if 'savingsPct < 10' --fail-if 'stalePriceDays > 7'" +
        '\n  ai-ping report --format html --out report.html',
    )
    .action(async (opts) => {
      const { report, reportReport } = await import('../commands/report.js');
      const result = await report({
        ...opts,
        policies: opts.policy,
        onProgress: progress,
      });
      await emit(reportReport(result), opts);
      failGates(result.gates);
    });

  program
    .command('providers')
    .description('the same model, different services: price, limits, features and measured speed per provider')
    .addOption(dbOption())
    .option('--model <name>', 'one model, in any spelling (default: every model)')
    .option('--catalog <file>', 'a catalog file applied on top of the built-in catalog')
    .option('--at <time>', 'prices in force at this time (default: the latest price snapshot)')
    .option('--history', "the model's price history instead: each provider's base-tier prices at every snapshot")
    .addOption(formatOption())
    .addOption(outOption())
    .addHelpText(
      'after',
      '\nExamples:\n  ai-ping providers --model meta-llama/Llama-3.3-70B-Instruct --format md\n  ai-ping providers --model DeepSeek-V3.2 --history',
    )
    .action(async (opts) => {
      const p = await import('../commands/providers.js');
      if (opts.history) await emit(p.priceHistoryReport(await p.priceHistory(opts)), opts);
      else await emit(p.providersReport(await p.providers(opts)), opts);
    });

  program
    .command('generate')
    .description('write a synthetic, calibrated Q4 2025 market (all canonical tables) for demos and tests')
    .requiredOption('--out <dir>', 'folder to write the tables into')
    .option('--requests <n>', 'number of requests', parseInteger('--requests'), 300_000)
    .option('--seed <s>', 'random seed (same seed, same data)', parseInteger('--seed'), 42)
    .addOption(
      new Option('--format <format>', 'data files as parquet or csv; table, md or json set the summary format')
        .choices(['parquet', 'csv', 'table', 'md', 'json'])
        .default('parquet'),
    )
    .addHelpText('after', '\nExample:\n  ai-ping generate --out demo-data --requests 1000000 --seed 7 --format csv')
    .action(async (opts) => {
      const { generate, generateReport } = await import('../commands/generate.js');
      const dataFormat = opts.format === 'csv' ? 'csv' : 'parquet';
      const result = await generate({
        dir: opts.out,
        requests: opts.requests,
        seed: opts.seed,
        dataFormat,
        onProgress: progress,
      });
      const summaryFormat = ['table', 'md', 'json'].includes(opts.format) ? opts.format : undefined;
      await emit(generateReport(result), { format: summaryFormat });
    });

  program
    .command('pull')
    .description(
      "download today's public price catalogue (models.dev, LiteLLM, OpenRouter) as a dated, gzip-compressed snapshot",
    )
    .argument('<source>', 'models-dev, litellm, openrouter-models or openrouter-endpoints')
    .requiredOption('--out <dir>', 'snapshot folder: the files go to DIR/<YYYY-MM-DD>/ (created when missing)')
    .option(
      '--model <id>',
      'openrouter-endpoints (required there): OpenRouter ids such as deepseek/deepseek-v3.2, repeatable or comma-separated',
      collect,
      [],
    )
    .option('--date <day>', 'the snapshot day, YYYY-MM-DD (default: today, UTC)')
    .option('--force', 'replace a file that exists for that day (default: skip it with a note)')
    .option(
      '--timeout <seconds>',
      'give up on an attempt after this many seconds',
      (v: string) => {
        if (!(Number(v) > 0 && Number(v) <= 86_400))
          throw new UsageError(`--timeout must be a number of seconds above 0 and at most 86400, got '${v}'`);
        return Number(v);
      },
      30,
    )
    .option(
      '--retries <n>',
      'retry network errors, HTTP 429 and 5xx N times, waiting 0.5 s, 1 s, 2 s… or as Retry-After says (at most 60 s)',
      parseInteger('--retries'),
      3,
    )
    .option('--base-url <url>', 'a mirror: fetch URL followed by the public path instead (see below)')
    .addOption(formatOption())
    .addHelpText(
      'after',
      `
Sources, the file each writes under DIR/<day>/, and where it comes from:
  models-dev            api.json.gz                          https://models.dev/api.json
  litellm               model_prices_and_context_window.json.gz
                          https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json
  openrouter-models     models.json.gz                       https://openrouter.ai/api/v1/models
  openrouter-endpoints  endpoints/<author>--<slug>.json.gz   https://openrouter.ai/api/v1/models/<author>/<slug>/endpoints

The body is written as served, gzip-compressed, once every download of the run has arrived and is
JSON of the expected shape; otherwise nothing is written (exit 2). Ingest a snapshot with the preset
of the same name (litellm: --preset litellm-prices), which takes the day from the folder's name.
--base-url URL keeps each public URL's path and replaces its scheme and host with URL, which may
carry a path prefix: --base-url http://mirror:8080/cache fetches litellm from
http://mirror:8080/cache/BerriAI/litellm/main/model_prices_and_context_window.json.
--model is required for openrouter-endpoints: logged model names are not OpenRouter ids, so they
are not guessed. OPENROUTER_API_KEY, when set, is sent as a Bearer token to OpenRouter only.

Example:
  ai-ping pull openrouter-endpoints --out prices/openrouter --model deepseek/deepseek-v3.2,qwen/qwen3-32b`,
    )
    .action(async (source: string, opts) => {
      const { pull, pullReport } = await import('../commands/pull.js');
      const result = await pull({
        source,
        out: opts.out,
        models: opts.model,
        date: opts.date,
        force: Boolean(opts.force),
        timeoutSeconds: opts.timeout,
        retries: opts.retries,
        baseUrl: opts.baseUrl,
        apiKey: process.env.OPENROUTER_API_KEY || undefined,
        // one line per file, also when stderr is not a terminal: a scheduled job's log keeps them
        onNote: (msg) => quiet || process.stderr.write(`${msg}\n`),
      });
      await emit(pullReport(result), { format: opts.format });
    });

  program
    .command('demo')
    .description('generate demo data, ingest it and show what ai-ping can tell from it')
    .option('--dir <dir>', 'keep the demo data and database in DIR (default: a temporary folder)')
    .option('--requests <n>', 'number of demo requests', parseInteger('--requests'), 300_000)
    .option('--seed <s>', 'random seed', parseInteger('--seed'), 42)
    .addOption(formatOption())
    .addOption(outOption())
    .addHelpText('after', '\nExample:\n  ai-ping demo --dir ./demo')
    .action(async (opts) => {
      const { demo, demoReport } = await import('../commands/demo.js');
      await emit(demoReport(await demo({ ...opts, onProgress: progress })), opts);
    });

  return program;
}

/**
 * A file to write (--out) or a database (--db) in a folder that does not exist is bad usage,
 * said before any work rather than as a crash at the end. generate and pull create their --out folder.
 */
function checkFolders(action: Command): void {
  const o = action.opts<{ out?: string; db?: string }>();
  const files: [string, string | undefined][] = [['--db', o.db]];
  if (action.name() !== 'generate' && action.name() !== 'pull') files.unshift(['--out', o.out]);
  for (const [flag, file] of files) {
    if (!file || file === ':memory:') continue;
    const dir = path.dirname(path.resolve(file));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`${flag} ${file}: the folder ${dir} does not exist`);
    }
  }
}

function warn(msg: string): void {
  if (quiet) return;
  endProgress();
  process.stderr.write(`warning: ${msg}\n`);
}

let statusLine = false;
let quiet = false;

/** Progress goes to stderr as one updating line, and only when a person is watching it. */
function progress(msg: string): void {
  if (quiet || !process.stderr.isTTY) return;
  process.stderr.write(`\r\x1b[K${msg}`);
  statusLine = true;
}

function endProgress(): void {
  if (statusLine) process.stderr.write('\r\x1b[K');
  statusLine = false;
}

export async function main(argv: string[]): Promise<number> {
  if (process.env.NO_COLOR) {
    const { default: chalk } = await import('chalk');
    chalk.level = 0;
  }
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; every other parse failure is bad usage.
      return e.exitCode === 0 ? 0 : 2;
    }
    endProgress();
    if (isKnownError(e)) {
      process.stderr.write(`ai-ping: ${e.message}\n`);
      return exitCodeOf(e);
    }
    return internalError(e);
  }
}

/**
 * An error no command expected: exit 2 with one line, never 1 (which a CI job reads as a failed
 * gate). The stack only with AI_PING_DEBUG set. bin/ai-ping.js also sends uncaught errors here.
 */
export function internalError(e: unknown): number {
  endProgress();
  const message = e instanceof Error ? e.message || e.name : String(e);
  const line = `ai-ping: internal error: ${message.split('\n')[0].trim()}`;
  if (process.env.AI_PING_DEBUG) {
    process.stderr.write(`${line}\n${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
  } else process.stderr.write(`${line} (set AI_PING_DEBUG=1 for the stack)\n`);
  return 2;
}
