/**
 * Generates one market (150k requests) and checks the calibration targets with SQL
 * over the written files.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GenerateResult } from '../../src/commands/generate.js';
import type { Store } from '../../src/store/db.js';
import { generateInto, NOT_GENERATED, openWritten, referenceReplay, removeDir } from './helpers.js';

const REQUESTS = 150_000;
const SEED = 42;

let result: GenerateResult;
let db: Store;

before(async () => {
  result = await generateInto('calibration', REQUESTS, SEED);
  db = await openWritten(result.dir);
});

after(() => {
  db?.close();
  if (result) removeDir(result.dir);
});

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${expected} ± ${tolerance}`);

test('writes every table with the requested number of requests', () => {
  assert.deepEqual(
    result.tables.map((t) => t.table),
    ['requests', 'offerings', 'prices', 'latency', 'probes', 'catalog'],
  );
  assert.equal(result.tables.find((t) => t.table === 'requests')?.rows, REQUESTS);
  for (const t of result.tables) assert.ok(t.rows > 0, `${t.table} is empty`);
});

test('every logged model name resolves through the written catalog, some via real-world spellings', async () => {
  const row = await db.one<{ unresolved: number; aliased: number; total: number }>(
    `SELECT count(*) FILTER (WHERE c.model IS NULL) AS unresolved,
       count(*) FILTER (WHERE c.model IS NOT NULL AND c.model <> r.model) AS aliased,
       count(*) AS total
     FROM requests r LEFT JOIN catalog c ON c.alias = r.model`,
  );
  assert.equal(row?.unresolved, 0);
  const aliasedPct = (row!.aliased / row!.total) * 100;
  assert.ok(aliasedPct > 1 && aliasedPct < 8, `aliased share ${aliasedPct}%`);
  const spellings = await db.all<{ model: string }>(
    `SELECT DISTINCT model FROM requests WHERE model IN ('deepseek-ai/DeepSeek-V3.2', 'Qwen/Qwen3-32B', 'zai-org/GLM-4.6')`,
  );
  assert.equal(spellings.length, 3);
});

test('target 1: concentration by family (tokens): top 32.0%, top five 87.4%, Gini 0.693', async () => {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE fam AS
     SELECT c.family, sum(r.input_tokens + r.output_tokens)::DOUBLE AS demand
     FROM requests r JOIN catalog c ON c.alias = r.model
     GROUP BY c.family HAVING sum(r.input_tokens + r.output_tokens) > 0`,
  );
  const shares = await db.all<{ family: string; share: number }>(
    `SELECT family, demand / sum(demand) OVER () * 100 AS share FROM fam ORDER BY share DESC`,
  );
  const g = await db.one<{ gini: number; n: number }>(
    `SELECT sum(abs(a.demand - b.demand)) / (2 * count(DISTINCT a.family)^2 * avg(a.demand)) AS gini,
       count(DISTINCT a.family) AS n
     FROM fam a CROSS JOIN fam b`,
  );
  const top1 = shares[0].share;
  const top5 = shares.slice(0, 5).reduce((s, f) => s + f.share, 0);
  assert.equal(shares[0].family, 'DeepSeek');
  assert.equal(g?.n, 17);
  near(top1, 32.0, 0.5, 'top-1 share');
  near(top5, 87.4, 0.5, 'top-5 share');
  near(g!.gini, 0.693, 0.01, 'Gini');
  console.log(`concentration: top1 ${top1.toFixed(2)}%, top5 ${top5.toFixed(2)}%, Gini ${g!.gini.toFixed(4)}`);
});

test('target 2: no request uses a model before its release date', async () => {
  const row = await db.one<{ early: number }>(
    `SELECT count(*) AS early FROM requests r JOIN catalog c ON c.alias = r.model WHERE r.ts < c.release_date`,
  );
  assert.equal(row?.early, 0);
});

test('target 2: version inertia — superseded share high on release day, decaying over weeks', async () => {
  // Daily superseded share of a line: demand on models that are not the newest of the line released by that day.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE superseded AS
     WITH r AS (
       SELECT date_trunc('day', r.ts)::DATE AS d, c.line, c.model, r.input_tokens + r.output_tokens AS demand
       FROM requests r JOIN catalog c ON c.alias = r.model
     ), newest AS (
       SELECT DISTINCT r.d, r.line,
         (SELECT arg_max(k.model, k.release_date) FROM catalog k WHERE k.line = r.line AND k.release_date <= r.d) AS model
       FROM r
     )
     SELECT r.line, r.d, coalesce(sum(r.demand) FILTER (WHERE r.model <> n.model), 0)::DOUBLE / sum(r.demand) AS share
     FROM r JOIN newest n USING (d, line)
     GROUP BY ALL`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE line_days AS
     SELECT c.line, date_trunc('day', r.ts)::DATE AS d, sum(r.input_tokens + r.output_tokens)::DOUBLE AS demand
     FROM requests r JOIN catalog c ON c.alias = r.model GROUP BY ALL`,
  );
  // Token demand is heavy-tailed, so the later points average three days around the target day.
  const shareOver = async (line: string, from: string, days: number) =>
    (
      await db.one<{ share: number }>(
        `SELECT sum(s.share * t.demand) / sum(t.demand) AS share
         FROM superseded s JOIN line_days t USING (line, d)
         WHERE s.line = $1 AND s.d >= $2::DATE AND s.d < $2::DATE + $3::INTEGER`,
        [line, from, days],
      )
    )?.share ?? NaN;
  const plus = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);
  const cases: [line: string, release: string, twoWeeksInWindow: boolean][] = [
    ['DeepSeek-V3', '2025-12-01', true],
    ['MiniMax-M', '2025-10-27', true],
    ['MiniMax-M', '2025-12-23', false],
    ['GLM-4', '2025-12-22', false],
  ];
  for (const [line, release, twoWeeks] of cases) {
    const s0 = await shareOver(line, release, 1);
    const s7 = await shareOver(line, plus(release, 6), 3);
    assert.ok(s0 > 0.7 && s0 < 0.99, `${line} superseded share on ${release}: ${s0}`);
    assert.ok(s7 < s0 - 0.1 && s7 > 0.2, `${line} superseded share 7 days after ${release}: ${s7} (release day ${s0})`);
    if (twoWeeks) {
      const s14 = await shareOver(line, plus(release, 13), 3);
      assert.ok(s14 < s7, `${line} superseded share 14 days after ${release}: ${s14} (day 7 ${s7})`);
    }
  }
  // Migration half-life (days until below half the release-day share): weeks, not days or months. Requests
  // come in sessions of one version, so a single day is noisy: each day's share averages three days from it.
  for (const [line, release] of [
    ['DeepSeek-V3', '2025-12-01'],
    ['MiniMax-M', '2025-10-27'],
  ] as const) {
    const s0 = await shareOver(line, release, 1);
    let days: number | undefined;
    for (let k = 1; k < 25 && days === undefined; k++) {
      if ((await shareOver(line, plus(release, k), 3)) < 0.5 * s0) days = k;
    }
    assert.ok(days !== undefined && days >= 4 && days <= 20, `${line} half-life after ${release}: ${days} days`);
  }
});

test('target 3: five tasks with distinct token-length regimes', async () => {
  const tasks = await db.all<{ task: string; n: number; p50_in: number; p50_out: number; stream: number }>(
    `SELECT task, count(*) AS n,
       quantile_cont(input_tokens, 0.5) AS p50_in, quantile_cont(output_tokens, 0.5) AS p50_out,
       avg(CASE WHEN list_contains(string_split(features, ','), 'stream') THEN 1 ELSE 0 END) AS stream
     FROM requests WHERE status = 'ok' GROUP BY task ORDER BY task`,
  );
  const expected: Record<string, [number, number]> = {
    code: [1500, 80],
    chat: [600, 350],
    'doc-analysis': [16_000, 500],
    agent: [6000, 250],
    reasoning: [800, 4000],
  };
  assert.deepEqual(tasks.map((t) => t.task).sort(), Object.keys(expected).sort());
  for (const t of tasks) {
    const [inp, out] = expected[t.task];
    near(t.p50_in / inp, 1, 0.1, `${t.task} median input / ${inp}`);
    near(t.p50_out / out, 1, 0.1, `${t.task} median output / ${out}`);
  }
  // Distinct regimes: any two tasks differ by at least 1.5x in median input or median output.
  for (const a of tasks) {
    for (const b of tasks) {
      if (a.task >= b.task) continue;
      const ratio = (x: number, y: number) => Math.max(x, y) / Math.min(x, y);
      assert.ok(
        ratio(a.p50_in, b.p50_in) >= 1.5 || ratio(a.p50_out, b.p50_out) >= 1.5,
        `${a.task} and ${b.task} have similar token regimes`,
      );
    }
  }
});

test('target 3: features, cached tokens and apps follow the tasks', async () => {
  const rows = await db.all<{ task: string; tools: number; json: number; stream: number; cached: number }>(
    `SELECT task,
       avg(CASE WHEN list_contains(string_split(features, ','), 'tools') THEN 1 ELSE 0 END) AS tools,
       avg(CASE WHEN list_contains(string_split(features, ','), 'json_schema') THEN 1 ELSE 0 END) AS json,
       avg(CASE WHEN list_contains(string_split(features, ','), 'stream') THEN 1 ELSE 0 END) AS stream,
       avg(CASE WHEN cached_tokens > 0 THEN 1 ELSE 0 END) AS cached
     FROM requests GROUP BY task`,
  );
  const by = Object.fromEntries(rows.map((r) => [r.task, r]));
  assert.equal(by.agent.tools, 1, 'every agent request needs tools');
  assert.ok(by['doc-analysis'].json > 0.3 && by['doc-analysis'].json < 0.6, 'part of doc-analysis needs json_schema');
  assert.ok(by.agent.cached > 0.5 && by.chat.cached > 0.2, 'multi-turn tasks reuse cached prompts');
  assert.equal(by.code.cached, 0);
  assert.equal(by.reasoning.cached, 0);
  const overall = await db.one<{ stream: number; apps: number }>(
    `SELECT avg(CASE WHEN list_contains(string_split(features, ','), 'stream') THEN 1 ELSE 0 END) AS stream,
       count(DISTINCT app) AS apps FROM requests`,
  );
  assert.ok(overall!.stream > 0.7, 'most requests stream');
  assert.ok(overall!.apps >= 3 && overall!.apps <= 12, `${overall!.apps} apps`);
});

test('target 4: Qwen3-32B cost routing in hindsight saves 37.8% against the official endpoint', async () => {
  const off = await db.one<{ input_price: number; output_price: number }>(
    `SELECT p.input_price, p.output_price FROM prices p JOIN offerings o USING (provider, model)
     WHERE o.official AND p.model = 'Qwen3-32B' AND p.provider = 'qwen-official' ORDER BY p.ts LIMIT 1`,
  );
  assert.deepEqual(off, { input_price: 2, output_price: 8 });
  const replay = await referenceReplay(db, 'Qwen3-32B');
  assert.ok(replay.compared > 5000, `${replay.compared} Qwen3-32B requests compared`);
  assert.ok(replay.excluded > 0, 'some requests are excluded because the official endpoint was infeasible');
  near(replay.savingsPct, 37.8, 0.5, 'Qwen3-32B savings %');
  console.log(`Qwen3-32B cost routing: ${replay.savingsPct.toFixed(2)}% savings over ${replay.compared} requests`);
});

test('target 4: the cheaper Qwen3-32B offerings are each limited', async () => {
  const rows = await db.all<{ provider: string; context_length: number; features: string; bad_hours: number }>(
    `WITH h AS (
       SELECT provider, date_trunc('hour', ts) AS w, avg(CASE WHEN ok THEN 1 ELSE 0 END) AS success
       FROM latency WHERE model = 'Qwen3-32B' GROUP BY ALL
     )
     SELECT o.provider, o.context_length, o.features, count(*) FILTER (WHERE h.success < 0.9) AS bad_hours
     FROM offerings o JOIN h USING (provider) WHERE o.model = 'Qwen3-32B' AND NOT o.official
     GROUP BY ALL ORDER BY o.provider`,
  );
  assert.ok(
    rows.some((r) => r.context_length <= 32_768 && !r.features.includes('json_schema')),
    'a 32k offering without json_schema',
  );
  assert.ok(
    rows.some((r) => !r.features.includes('tools')),
    'an offering without tools',
  );
  assert.ok(
    rows.some((r) => r.bad_hours > 100),
    'an offering with many hours below 90% success',
  );
});

test('target 5: DeepSeek-V3.2 throughput routing in hindsight gains about 90% against the official endpoint', async () => {
  const official = await db.one<{ tps: number }>(
    `SELECT quantile_cont(tps, 0.5) AS tps FROM latency WHERE model = 'DeepSeek-V3.2' AND provider = 'deepseek-official' AND ok`,
  );
  assert.ok(official!.tps >= 25 && official!.tps <= 35, `official TPS median ${official!.tps}`);
  const replay = await referenceReplay(db, 'DeepSeek-V3.2');
  assert.ok(replay.compared > 3000, `${replay.compared} DeepSeek-V3.2 requests compared`);
  near(replay.throughputGainPct, 90, 3, 'DeepSeek-V3.2 throughput gain %');
  console.log(
    `DeepSeek-V3.2 throughput routing: +${replay.throughputGainPct.toFixed(2)}% over ${replay.compared} requests`,
  );
});

test('TTFT and TPS vary several-fold across providers of the same model', async () => {
  const rows = await db.all<{
    model: string;
    ttft_ratio: number;
    tps_ratio: number;
    min_ttft: number;
    max_ttft: number;
  }>(
    `WITH p AS (
       SELECT model, provider, quantile_cont(ttft_ms, 0.5) AS ttft, quantile_cont(tps, 0.5) AS tps
       FROM latency WHERE ok GROUP BY ALL
     )
     SELECT model, max(ttft) / min(ttft) AS ttft_ratio, max(tps) / min(tps) AS tps_ratio,
       min(ttft) AS min_ttft, max(ttft) AS max_ttft
     FROM p GROUP BY model HAVING count(*) >= 4`,
  );
  assert.ok(rows.length >= 5);
  assert.ok(
    rows.every((r) => r.ttft_ratio >= 2 && r.tps_ratio >= 1.5),
    JSON.stringify(rows),
  );
  const all = await db.one<{ lo: number; hi: number; tlo: number; thi: number }>(
    `WITH p AS (SELECT provider, model, quantile_cont(ttft_ms, 0.5) AS ttft, quantile_cont(tps, 0.5) AS tps
                FROM latency WHERE ok GROUP BY ALL)
     SELECT min(ttft) AS lo, max(ttft) AS hi, min(tps) AS tlo, max(tps) AS thi FROM p`,
  );
  assert.ok(all!.lo >= 200 && all!.lo <= 500 && all!.hi >= 2000 && all!.hi <= 4000, JSON.stringify(all));
  assert.ok(all!.tlo >= 10 && all!.tlo <= 25 && all!.thi >= 120 && all!.thi <= 220, JSON.stringify(all));
});

test('latency measurements come every 10–15 minutes per offering', async () => {
  const row = await db.one<{ lo: number; hi: number; offerings: number; all_offerings: number }>(
    `WITH d AS (
       SELECT provider, model, epoch_ms(ts) - lag(epoch_ms(ts)) OVER (PARTITION BY provider, model ORDER BY ts) AS gap_ms
       FROM latency
     )
     SELECT quantile_cont(gap_ms, 0.001) / 60000 AS lo, quantile_cont(gap_ms, 0.999) / 60000 AS hi,
       count(DISTINCT (provider, model)) AS offerings,
       (SELECT count(*) FROM offerings) AS all_offerings
     FROM d WHERE gap_ms IS NOT NULL`,
  );
  assert.ok(row!.lo >= 10 && row!.hi <= 15, `gaps ${row!.lo}..${row!.hi} min`);
  assert.equal(row!.offerings, row!.all_offerings);
});

test('target 6: an outage — hours without a successful measurement, and failing requests', async () => {
  // Hours in which a provider was measured but nothing succeeded, grouped into consecutive runs.
  const runs = await db.all<{ provider: string; start: Date; hours: number }>(
    `WITH h AS (
       SELECT provider, date_trunc('hour', ts) AS w
       FROM latency GROUP BY ALL HAVING count(*) FILTER (WHERE ok) = 0 AND count(*) >= 3
     ), islands AS (
       SELECT provider, w, w - to_hours(row_number() OVER (PARTITION BY provider ORDER BY w)) AS grp FROM h
     )
     SELECT provider, min(w) AS start, count(*) AS hours FROM islands GROUP BY provider, grp HAVING count(*) >= 3`,
  );
  assert.ok(runs.length >= 1, 'no outage of three hours or more');
  const outage = runs[0];
  const reqs = await db.one<{ n: number; failed: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'error') AS failed FROM requests
     WHERE provider = $1 AND ts >= $2::TIMESTAMP AND ts < $2::TIMESTAMP + to_hours($3::BIGINT)`,
    [outage.provider, outage.start.toISOString().replace('T', ' ').replace('Z', ''), outage.hours],
  );
  assert.ok(reqs!.n > 0, 'requests were sent to the provider during its outage');
  assert.equal(reqs!.failed, reqs!.n, 'every request during the outage failed');
});

test('target 6: a price change inside the quarter', async () => {
  const rows = await db.all<{ provider: string; model: string }>(
    `WITH s AS (
       SELECT provider, model, ts, input_price, output_price,
         lag(input_price) OVER (PARTITION BY provider, model ORDER BY ts) AS prev_in,
         lag(output_price) OVER (PARTITION BY provider, model ORDER BY ts) AS prev_out
       FROM prices
     )
     SELECT provider, model FROM s
     WHERE ts > TIMESTAMP '2025-10-01' AND ts < TIMESTAMP '2026-01-01'
       AND prev_in IS NOT NULL AND (input_price <> prev_in OR output_price <> prev_out)`,
  );
  assert.ok(rows.length >= 1, 'no mid-quarter price change');
});

test('target 6: 1–3% of requests fail, with several error types, at rates varying by provider', async () => {
  const row = await db.one<{ rate: number; types: string[] }>(
    `SELECT avg(CASE WHEN status = 'error' THEN 1 ELSE 0 END) * 100 AS rate,
       list_sort(list(DISTINCT error_type) FILTER (WHERE error_type IS NOT NULL)) AS types
     FROM requests`,
  );
  assert.ok(row!.rate >= 1 && row!.rate <= 3, `error rate ${row!.rate}%`);
  for (const t of ['context_length', 'rate_limit', 'server', 'timeout'])
    assert.ok(row!.types.includes(t), `no ${t} errors`);
  const spread = await db.one<{ lo: number; hi: number }>(
    `WITH p AS (SELECT provider, avg(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS rate
                FROM requests GROUP BY provider HAVING count(*) >= 1000)
     SELECT min(rate) AS lo, max(rate) AS hi FROM p`,
  );
  assert.ok(spread!.hi >= 3 * spread!.lo, `error rates ${spread!.lo}..${spread!.hi}`);
});

test('target 6: logged timings match the serving provider’s measured speed', async () => {
  const coverage = await db.one<{ with_latency: number; with_ttft: number }>(
    `SELECT avg(CASE WHEN latency_ms IS NOT NULL THEN 1 ELSE 0 END) AS with_latency,
       avg(CASE WHEN ttft_ms IS NOT NULL THEN 1 ELSE 0 END) AS with_ttft FROM requests`,
  );
  assert.ok(coverage!.with_latency > 0.95 && coverage!.with_ttft > 0.8, JSON.stringify(coverage));
  const rows = await db.all<{ provider: string; model: string; ratio: number }>(
    `WITH logged AS (
       SELECT r.provider, c.model,
         quantile_cont(r.output_tokens / ((r.latency_ms - r.ttft_ms) / 1000), 0.5) AS tps, count(*) AS n
       FROM requests r JOIN catalog c ON c.alias = r.model
       WHERE r.status = 'ok' AND r.ttft_ms IS NOT NULL AND r.latency_ms > r.ttft_ms AND r.output_tokens > 0
       GROUP BY ALL
     ), measured AS (
       SELECT provider, model, quantile_cont(tps, 0.5) AS tps FROM latency WHERE ok GROUP BY ALL
     )
     SELECT l.provider, l.model, l.tps / m.tps AS ratio FROM logged l JOIN measured m USING (provider, model)
     WHERE l.n >= 300`,
  );
  assert.ok(rows.length >= 20);
  for (const r of rows) near(r.ratio, 1, 0.2, `${r.provider}/${r.model} logged TPS / measured TPS`);
});

test('target 6: cost is the list price in force times the tokens, in CNY', async () => {
  const row = await db.one<{ priced: number; matching: number; ok_rows: number; currencies: string[] }>(
    `WITH r AS (
       SELECT r.*, c.model AS canonical,
         (SELECT arg_max({'i': p.input_price, 'o': p.output_price, 'c': p.cached_input_price}, p.ts)
            FROM prices p WHERE p.provider = r.provider AND p.model = c.model AND p.ts <= r.ts) AS price
       FROM requests r JOIN catalog c ON c.alias = r.model
       WHERE r.status = 'ok'
     )
     SELECT count(cost) AS priced, count(*) AS ok_rows,
       count(*) FILTER (WHERE abs(cost - ((input_tokens - cached_tokens) * price.i
         + cached_tokens * coalesce(price.c, price.i) + output_tokens * price.o) / 1e6) < 1e-7) AS matching,
       (SELECT list(DISTINCT currency) FROM requests) AS currencies
     FROM r`,
  );
  assert.ok(row!.priced / row!.ok_rows > 0.97, 'most rows have a cost');
  assert.equal(row!.matching, row!.priced);
  assert.deepEqual(row!.currencies, ['CNY']);
});

// ---------------------------------------------------------------------------
// Canonical columns, types and values

test('every table has exactly the canonical columns, with their canonical types', async () => {
  const { TABLES, sqlType } = await import('../../src/store/schema.js');
  for (const table of ['requests', 'offerings', 'prices', 'latency', 'probes', 'catalog'] as const) {
    const described = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE ${table}`);
    const expected = TABLES[table].columns.filter((c) => !NOT_GENERATED.includes(`${table}.${c.name}`));
    assert.deepEqual(
      described.map((d) => d.column_name),
      expected.map((c) => c.name),
      `${table} columns`,
    );
    assert.deepEqual(
      described.map((d) => d.column_type),
      expected.map((c) => sqlType(c.type)),
      `${table} column types`,
    );
  }
});

test('requests: ids unique, tokens non-negative, cached below input, TTFT within latency, statuses consistent', async () => {
  const row = await db.one<Record<string, number>>(
    `SELECT count(*) - count(DISTINCT request_id) AS duplicate_ids,
       count(*) FILTER (WHERE request_id IS NULL) AS missing_ids,
       count(*) FILTER (WHERE ts < TIMESTAMP '2025-10-01' OR ts >= TIMESTAMP '2026-01-01') AS outside_window,
       count(*) FILTER (WHERE input_tokens < 1 OR output_tokens < 0 OR cached_tokens < 0) AS bad_tokens,
       count(*) FILTER (WHERE cached_tokens >= input_tokens AND cached_tokens > 0) AS cached_not_below_input,
       count(*) FILTER (WHERE ttft_ms < 0 OR latency_ms < 0 OR cost < 0) AS negative,
       count(*) FILTER (WHERE ttft_ms > latency_ms) AS ttft_after_end,
       count(*) FILTER (WHERE ttft_ms IS NOT NULL AND latency_ms IS NULL) AS ttft_without_latency,
       count(*) FILTER (WHERE status NOT IN ('ok', 'error')) AS bad_status,
       count(*) FILTER (WHERE (status = 'ok') <> (error_type IS NULL)) AS status_mismatch,
       count(*) FILTER (WHERE NOT list_has_all(['tools', 'json_schema', 'stream'], coalesce(string_split(features, ','), []::VARCHAR[]))) AS bad_features,
       count(*) FILTER (WHERE features = '') AS empty_features,
       count(*) FILTER (WHERE currency <> 'CNY' OR currency IS NULL) AS bad_currency,
       count(*) FILTER (WHERE model IS NULL OR provider IS NULL OR task IS NULL OR app IS NULL) AS missing_labels
     FROM requests`,
  );
  for (const [k, v] of Object.entries(row!)) assert.equal(v, 0, k);
});

test('latency: ok rows measure TTFT and TPS, failed rows do not and say why', async () => {
  const row = await db.one<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE ok AND (ttft_ms IS NULL OR tps IS NULL OR ttft_ms <= 0 OR tps <= 0)) AS ok_without_speed,
       count(*) FILTER (WHERE ok AND (latency_ms IS NULL OR latency_ms < ttft_ms)) AS ok_bad_latency,
       count(*) FILTER (WHERE ok AND error_type IS NOT NULL) AS ok_with_error,
       count(*) FILTER (WHERE NOT ok AND (ttft_ms IS NOT NULL OR tps IS NOT NULL)) AS failed_with_speed,
       count(*) FILTER (WHERE NOT ok AND error_type IS NULL) AS failed_without_error,
       count(*) FILTER (WHERE input_tokens IS NULL OR input_tokens <= 0) AS bad_input,
       count(*) FILTER (WHERE ok IS NULL) AS missing_ok
     FROM latency`,
  );
  for (const [k, v] of Object.entries(row!)) assert.equal(v, 0, k);
});

test('offerings: neutral provider names, official only at the maker, sane limits', async () => {
  const rows = await db.all<{
    provider: string;
    model: string;
    official: boolean;
    family: string;
    features: string;
    context_length: number;
  }>(`SELECT o.*, c.family FROM offerings o JOIN catalog c ON c.alias = o.model AND c.alias = c.model`);
  const all = await db.one<{ n: number }>('SELECT count(*) AS n FROM offerings');
  assert.equal(rows.length, all!.n, 'every offered model is in the catalog');
  for (const o of rows) {
    assert.match(o.provider, /^([a-z]+-official|provider-[a-z])$/, `provider name ${o.provider}`);
    assert.equal(o.official, o.provider.endsWith('-official'), `${o.provider}/${o.model} official flag`);
    if (o.official) assert.equal(o.provider, `${o.family.toLowerCase()}-official`, `${o.provider} serves ${o.model}`);
    assert.ok(o.context_length >= 16_384, `${o.provider}/${o.model} context`);
    for (const f of o.features.split(',')) assert.ok(['tools', 'json_schema', 'stream'].includes(f), `feature ${f}`);
  }
  for (const family of ['Llama', 'gpt-oss', 'Gemma']) {
    assert.ok(!rows.some((o) => o.family === family && o.official), `${family} has no maker API`);
  }
  const quantized = await db.one<{ n: number }>(`SELECT count(*) AS n FROM offerings WHERE quantization = 'fp8'`);
  assert.ok(quantized!.n > 0);
});

test('prices: non-negative, third parties anchored near the official price', async () => {
  const row = await db.one<{ negative: number; lo: number; hi: number; cached: number }>(
    `WITH first AS (
       SELECT provider, model, arg_min(input_price, ts) AS input_price, arg_min(output_price, ts) AS output_price
       FROM prices GROUP BY ALL
     ), official AS (
       SELECT f.* FROM first f JOIN offerings o USING (provider, model) WHERE o.official
     )
     SELECT (SELECT count(*) FROM prices WHERE input_price < 0 OR output_price < 0 OR cached_input_price < 0) AS negative,
       min(t.input_price / x.input_price) AS lo, max(t.input_price / x.input_price) AS hi,
       (SELECT count(*) FROM prices WHERE cached_input_price IS NOT NULL) AS cached
     FROM first t JOIN official x USING (model) WHERE t.provider <> x.provider`,
  );
  assert.equal(row!.negative, 0);
  assert.ok(row!.lo >= 0.45 && row!.hi <= 1.15, `third-party / official input price ${row!.lo}..${row!.hi}`);
  assert.ok(row!.cached > 0, 'some offerings have a cached-input price');
});

test('probes pass exactly for the features an offering lists, failures carry an error', async () => {
  const row = await db.one<Record<string, number>>(
    `SELECT count(*) AS probes,
       count(*) FILTER (WHERE p.passed <> list_contains(string_split(o.features, ','), p.feature)) AS inconsistent,
       count(*) FILTER (WHERE NOT p.passed AND (p.error_code IS NULL OR p.error_message IS NULL)) AS failed_without_error,
       count(*) FILTER (WHERE p.passed AND p.error_code IS NOT NULL) AS passed_with_error,
       count(DISTINCT (p.provider, p.model)) AS offerings,
       (SELECT count(*) FROM offerings) AS listed
     FROM probes p JOIN offerings o USING (provider, model)`,
  );
  assert.equal(row!.inconsistent, 0);
  assert.equal(row!.failed_without_error, 0);
  assert.equal(row!.passed_with_error, 0);
  assert.equal(row!.offerings, row!.listed);
});

test('catalog: canonical models with their public release dates and lines', async () => {
  const expected: [model: string, family: string, line: string, release: string][] = [
    ['DeepSeek-V3.1-Terminus', 'DeepSeek', 'DeepSeek-V3', '2025-09-22'],
    ['DeepSeek-V3.2-Exp', 'DeepSeek', 'DeepSeek-V3', '2025-09-29'],
    ['DeepSeek-V3.2', 'DeepSeek', 'DeepSeek-V3', '2025-12-01'],
    ['DeepSeek-R1-0528', 'DeepSeek', 'DeepSeek-R1', '2025-05-28'],
    ['Qwen3-32B', 'Qwen', 'Qwen-32B', '2025-04-29'],
    ['Qwen3-235B-A22B', 'Qwen', 'Qwen-235B-A22B', '2025-04-29'],
    ['Qwen3-235B-A22B-Instruct-2507', 'Qwen', 'Qwen-235B-A22B', '2025-07-21'],
    ['Qwen3-Coder-480B-A35B-Instruct', 'Qwen', 'Qwen3-Coder-480B-A35B-Instruct', '2025-07-22'],
    ['Qwen3-30B-A3B-Instruct-2507', 'Qwen', 'Qwen3-30B-A3B-Instruct-2507', '2025-07-29'],
    ['GLM-4.5', 'GLM', 'GLM-4', '2025-07-28'],
    ['GLM-4.6', 'GLM', 'GLM-4', '2025-09-30'],
    ['GLM-4.7', 'GLM', 'GLM-4', '2025-12-22'],
    ['Kimi-K2-Instruct-0905', 'Kimi', 'Kimi-K2', '2025-09-05'],
    ['Kimi-K2-Thinking', 'Kimi', 'Kimi-K2-Thinking', '2025-11-06'],
    ['MiniMax-M1', 'MiniMax', 'MiniMax-M', '2025-06-16'],
    ['MiniMax-M2', 'MiniMax', 'MiniMax-M', '2025-10-27'],
    ['MiniMax-M2.1', 'MiniMax', 'MiniMax-M', '2025-12-23'],
    ['Llama-3.3-70B-Instruct', 'Llama', 'Llama-3.3-70B-Instruct', '2024-12-06'],
    ['gpt-oss-120b', 'gpt-oss', 'gpt-oss-120b', '2025-08-05'],
    ['gpt-oss-20b', 'gpt-oss', 'gpt-oss-20b', '2025-08-05'],
    ['Mistral-Small-3.2-24B-Instruct-2506', 'Mistral', 'Mistral-Small-3.2-24B-Instruct-2506', '2025-06-20'],
    ['gemma-3-27b-it', 'Gemma', 'gemma-3-27b-it', '2025-03-12'],
    ['ERNIE-4.5-300B-A47B', 'ERNIE', 'ERNIE-4.5-300B-A47B', '2025-06-30'],
    ['Hunyuan-A13B-Instruct', 'Hunyuan', 'Hunyuan-A13B-Instruct', '2025-06-27'],
    ['step3', 'Step', 'step3', '2025-07-31'],
    ['Seed-OSS-36B-Instruct', 'Seed-OSS', 'Seed-OSS-36B-Instruct', '2025-08-20'],
    ['LongCat-Flash-Chat', 'LongCat', 'LongCat-Flash-Chat', '2025-09-01'],
    ['Ling-1T', 'Ling', 'Ling-1T', '2025-10-09'],
    ['InternLM3-8B-Instruct', 'InternLM', 'InternLM3-8B-Instruct', '2025-01-15'],
    ['Phi-4', 'Phi', 'Phi-4', '2024-12-12'],
  ];
  const rows = await db.all<{ model: string; family: string; line: string; release: string }>(
    `SELECT model, family, line, strftime(release_date, '%Y-%m-%d') AS release FROM catalog WHERE alias = model ORDER BY model`,
  );
  assert.deepEqual(
    rows.map((r) => [r.model, r.family, r.line, r.release]),
    [...expected].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  );
  const inconsistent = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM catalog a JOIN catalog b ON a.model = b.model
     WHERE a.family <> b.family OR a.line <> b.line OR a.release_date <> b.release_date`,
  );
  assert.equal(inconsistent!.n, 0, 'aliases agree with their canonical row');
});
