/**
 * Sessions of the generated market: runs of requests to one model at one provider, a
 * few seconds to minutes apart, whose later turns reuse the cached prompt prefix.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GenerateResult } from '../../src/commands/generate.js';
import type { Store } from '../../src/store/db.js';
import { generateInto, openWritten, removeDir } from './helpers.js';

const REQUESTS = 40_000;

let result: GenerateResult;
let db: Store;

before(async () => {
  result = await generateInto('sessions', REQUESTS, 3);
  db = await openWritten(result.dir);
  await db.run(
    `CREATE TEMP TABLE turns AS
     SELECT *, row_number() OVER (PARTITION BY session ORDER BY ts) - 1 AS turn,
       epoch_ms(ts) - epoch_ms(lag(ts) OVER (PARTITION BY session ORDER BY ts)) AS gap_ms
     FROM requests`,
  );
});

after(() => {
  db?.close();
  if (result) removeDir(result.dir);
});

test('every request has a session; a session keeps one model spelling, provider, task, app and feature set, within one UTC day', async () => {
  const row = await db.one<Record<string, number>>(
    `WITH s AS (
       SELECT session, count(DISTINCT model) AS models, count(DISTINCT provider) AS providers,
         count(DISTINCT task) AS tasks, count(DISTINCT app) AS apps,
         count(DISTINCT coalesce(features, '')) AS feature_sets, count(DISTINCT ts::DATE) AS days
       FROM requests GROUP BY session
     )
     SELECT (SELECT count(*) FROM requests WHERE session IS NULL OR NOT regexp_full_match(session, 'ses-[0-9a-f]{16}')) AS bad_ids,
       count(*) FILTER (WHERE models > 1) AS models, count(*) FILTER (WHERE providers > 1) AS providers,
       count(*) FILTER (WHERE tasks > 1) AS tasks, count(*) FILTER (WHERE apps > 1) AS apps,
       count(*) FILTER (WHERE feature_sets > 1) AS feature_sets, count(*) FILTER (WHERE days > 1) AS days
     FROM s`,
  );
  for (const [k, v] of Object.entries(row!)) assert.equal(v, 0, k);
});

test('each request is served by an offering listed at its own time', async () => {
  const row = await db.one<{ unlisted: number }>(
    `SELECT count(*) AS unlisted FROM requests r JOIN catalog c ON c.alias = r.model
     WHERE NOT EXISTS (
       SELECT 1 FROM offerings o WHERE o.provider = r.provider AND o.model = c.model
         AND o.listed_from <= r.ts AND (o.listed_to IS NULL OR r.ts < o.listed_to))`,
  );
  assert.equal(row!.unlisted, 0);
});

test('session lengths: geometric, 3 on average, at most 32', async () => {
  // Each of 31 positions of a 32-request block starts a session with probability 5/16, the first always:
  // 1 + 31 · 5/16 = 10.6875 sessions per block, 32 / 10.6875 = 2.994 requests each. Single requests:
  // a start followed by a start or the block's end, (5/16 + 30 · (5/16)² + 5/16) / 10.6875 = 0.333.
  const row = await db.one<{ sessions: number; mean: number; single: number; longest: number; long: number }>(
    `WITH s AS (SELECT session, count(*) AS n FROM requests GROUP BY session)
     SELECT count(*) AS sessions, avg(n) AS mean, avg(CASE WHEN n = 1 THEN 1 ELSE 0 END) AS single,
       max(n) AS longest, count(*) FILTER (WHERE n >= 10) AS long
     FROM s`,
  );
  assert.ok(Math.abs(row!.mean - 2.994) < 0.15, `mean session length ${row!.mean}`);
  assert.ok(Math.abs(row!.single - 0.333) < 0.03, `share of single-request sessions ${row!.single}`);
  assert.ok(row!.longest <= 32 && row!.longest >= 15, `longest session ${row!.longest}`);
  assert.ok(row!.long > 0);
});

test('gaps within a session: 5 s to 10 min, log-uniform, most within a 5-minute cache lifetime', async () => {
  const row = await db.one<{ lo: number; hi: number; within5: number; median: number }>(
    `SELECT min(gap_ms) AS lo, max(gap_ms) AS hi, avg(CASE WHEN gap_ms <= 300000 THEN 1 ELSE 0 END) AS within5,
       quantile_cont(gap_ms, 0.5) AS median
     FROM turns WHERE turn > 0`,
  );
  assert.ok(row!.lo >= 5000 && row!.hi <= 600_000, `gaps ${row!.lo}..${row!.hi} ms`);
  // log-uniform on [5 s, 600 s]: P(gap <= 300 s) = ln 60 / ln 120 = 0.855, median sqrt(5 · 600) = 54.8 s
  assert.ok(Math.abs(row!.within5 - 0.855) < 0.02, `share of gaps within 5 minutes ${row!.within5}`);
  assert.ok(Math.abs(row!.median / 1000 - 54.8) < 5, `median gap ${row!.median} ms`);
});

test('follow-up turns of chat and agent sessions carry cached prompt tokens; first requests do not', async () => {
  const rows = await db.all<{ task: string; first: number; follow_ups: number; cached: number; over: number }>(
    `SELECT task, count(*) FILTER (WHERE turn = 0 AND cached_tokens > 0) AS first,
       count(*) FILTER (WHERE turn > 0) AS follow_ups,
       avg(CASE WHEN cached_tokens > 0 THEN 1 ELSE 0 END) FILTER (WHERE turn > 0) AS cached,
       count(*) FILTER (WHERE cached_tokens > input_tokens) AS over
     FROM turns GROUP BY task`,
  );
  const by = Object.fromEntries(rows.map((r) => [r.task, r]));
  assert.deepEqual(Object.keys(by).sort(), ['agent', 'chat', 'code', 'doc-analysis', 'reasoning']);
  for (const r of rows) {
    assert.equal(r.first, 0, `${r.task}: first requests with cached tokens`);
    assert.equal(r.over, 0, `${r.task}: cached tokens above input tokens`);
    assert.ok(r.follow_ups > 500, `${r.task}: ${r.follow_ups} follow-ups`);
  }
  // market.ts: a follow-up reuses the prefix with probability 0.95 (agent) and 0.8 (chat); the other tasks never.
  assert.ok(Math.abs(by.agent.cached - 0.95) < 0.02, `agent follow-ups cached ${by.agent.cached}`);
  assert.ok(Math.abs(by.chat.cached - 0.8) < 0.03, `chat follow-ups cached ${by.chat.cached}`);
  for (const t of ['code', 'doc-analysis', 'reasoning']) assert.equal(by[t].cached, 0, t);
});
