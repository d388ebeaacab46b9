/**
 * Unit tests of the market plan: the pure derivations behind the generated numbers.
 */
import { quotedString } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  coverageProblems,
  dayMs,
  epochMixAt,
  familyBands,
  familyKeyCaps,
  familyShares,
  geometricShares,
  gini,
  lineEpochs,
  offerings,
  priceSnapshots,
  supersededShare,
} from '../../src/generate/plan.js';
import { tsParam } from '../../src/generate/tables.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

test('gini: population form, by hand', () => {
  // |1-2|+|1-3|+|2-3| = 4, counted twice = 8; 2 n² x̄ = 2 · 9 · 2 = 36.
  close(gini([1, 2, 3]), 8 / 36);
  close(gini([5, 5, 5, 5]), 0);
  close(gini([0, 0, 0, 1]), 0.75);
});

test('geometricShares: a geometric series with the given total', () => {
  assert.deepEqual(geometricShares(3, 0.5, 7), [4, 2, 1]);
});

test('family shares: seventeen families, the five leaders as planned, summing to 100', () => {
  const shares = familyShares();
  assert.equal(shares.length, 17);
  assert.deepEqual(
    shares.slice(0, 5).map((s) => s.sharePct),
    [32, 24, 15, 10, 6.4],
  );
  close(
    shares.reduce((s, f) => s + f.sharePct, 0),
    100,
    1e-9,
  );
  close(gini(shares.map((s) => s.sharePct)), 0.693, 0.0005);
});

test('family bands: late families last, and early requests kept below their band', () => {
  const bands = familyBands();
  const ling = bands[bands.length - 1];
  assert.equal(ling.family, 'Ling');
  close(ling.hi, 1, 1e-12);
  const caps = familyKeyCaps();
  assert.deepEqual(
    caps.map((c) => new Date(c.fromMs).toISOString().slice(0, 10)),
    ['2025-10-01', '2025-10-09'],
  );
  close(caps[0].cap, ling.lo - 0.01);
  assert.equal(caps[1].cap, 1);
});

test('version epochs: superseded share decays exponentially from the release', () => {
  const epochs = lineEpochs().filter((e) => e.line === 'DeepSeek-V3');
  assert.deepEqual(
    epochs.map((e) => e.newest),
    ['DeepSeek-V3.1-Terminus', 'DeepSeek-V3.2-Exp', 'DeepSeek-V3.2'],
  );
  const v32 = epochs[2];
  // start 0.9, floor 0.03, tau 12 days: at 12 days 0.03 + 0.87 / e.
  close(supersededShare(v32, v32.fromMs), 0.9);
  close(supersededShare(v32, v32.fromMs + 12 * 86_400_000), 0.03 + 0.87 * Math.exp(-1));
  // The older split is the mix at V3.2's release: Terminus kept 0.03 + 0.87 e^(-63/12) of V3.2-Exp's epoch.
  const terminus = v32.older.find((o) => o.model === 'DeepSeek-V3.1-Terminus')!.weight;
  close(terminus, 0.03 + 0.87 * Math.exp(-63 / 12));
  close(
    v32.older.reduce((s, o) => s + o.weight, 0),
    1,
  );
  const mix = epochMixAt(v32, dayMs('2025-12-01'));
  close(
    [...mix.values()].reduce((s, v) => s + v, 0),
    1,
  );
  close(mix.get('DeepSeek-V3.2')!, 0.1);
  // A line's first version has nothing older.
  assert.equal(epochs[0].start, 0);
});

test('offerings cover all demand: a full-featured, traffic-carrying offering for every model every day', () => {
  assert.deepEqual(coverageProblems(), []);
});

test('offerings: the Qwen3-32B official price, third parties anchored within -50%..+10%', () => {
  const rows = offerings();
  const official = rows.find((r) => r.provider === 'qwen-official' && r.model === 'Qwen3-32B')!;
  assert.deepEqual([official.inputPrice, official.outputPrice], [2, 8]);
  for (const r of rows) {
    const ref = rows.find((x) => x.model === r.model && x.official);
    if (!ref || r.official) continue;
    const ratio = r.inputPrice / ref.inputPrice;
    assert.ok(ratio >= 0.5 && ratio <= 1.1, `${r.provider}/${r.model} at ${ratio} of official`);
  }
  const changes = priceSnapshots(rows).filter((p) => Date.parse(p.ts) > dayMs('2025-10-01'));
  assert.ok(changes.some((p) => p.provider === 'provider-b' && p.model === 'GLM-4.6' && p.inputPrice === 2.4));
});

test('quotedString doubles single quotes, and only quotes', () => {
  assert.equal(quotedString("/tmp/it's here/requests.parquet"), "'/tmp/it''s here/requests.parquet'");
  assert.equal(quotedString('C:\\data\\x.csv'), "'C:\\data\\x.csv'");
});

test('tsParam: a UTC timestamp DuckDB casts without a zone', () => {
  assert.equal(tsParam(Date.parse('2025-10-01T12:34:56.789Z')), '2025-10-01 12:34:56.789');
});

/** A bare in-memory database with the generator's SQL macros, seed 7, and these variables set. */
async function macroStore(variables: Record<string, number> = {}) {
  const { Store } = await import('../../src/store/db.js');
  const { MACROS } = await import('../../src/generate/sql.js');
  const store = await Store.open(':memory:', { init: false });
  for (const [name, value] of Object.entries({ seed: 7, t0_ms: 0, ...variables }))
    await store.run(`SET VARIABLE ${name} = ${value}`);
  for (const m of MACROS) await store.run(m);
  return store;
}

test('SQL random draws: qnorm inverts the normal CDF; streams of different salts are independent', async () => {
  const store = await macroStore();
  try {
    const q = await store.one<{ a: number; b: number; c: number; d: number }>(
      'SELECT qnorm(0.5) AS a, qnorm(0.975) AS b, qnorm(0.01) AS c, qnorm(0.999) AS d',
    );
    // Standard normal table: z(0.975) = 1.959964, z(0.01) = -2.326348, z(0.999) = 3.090232.
    close(q!.a, 0, 1e-12);
    close(q!.b, 1.959964, 1e-6);
    close(q!.c, -2.326348, 1e-6);
    close(q!.d, 3.090232, 1e-6);
    const s = await store.one<{ lo: number; hi: number; mean: number; corr: number; sd: number }>(
      `SELECT min(u01(range, 'x')) AS lo, max(u01(range, 'x')) AS hi, avg(u01(range, 'x')) AS mean,
         corr(u01(range, 'x'), u01(range, 'y')) AS corr, stddev_pop(nrm(range, 'z')) AS sd
       FROM range(200000)`,
    );
    assert.ok(s!.lo > 0 && s!.hi < 1);
    close(s!.mean, 0.5, 0.005);
    close(s!.corr, 0, 0.01);
    close(s!.sd, 1, 0.01);
  } finally {
    store.close();
  }
});

test('SQL session helpers: highest and lowest set bits, log-uniform gaps', async () => {
  const store = await macroStore({ gap_min_ms: 5000, gap_max_ms: 600_000 });
  try {
    // 0b1011000 = 88: bits 3, 4 and 6; 2^33 - 1: bits 0..32; 2^32 + 2^31: bits 31 and 32.
    const bits = await store.all<{ hi: number; lo: number }>(
      `SELECT high_bit(x) AS hi, low_bit(x) AS lo FROM (VALUES (1, 88::BIGINT), (2, 8589934591), (3, 6442450944)) t(k, x) ORDER BY k`,
    );
    assert.deepEqual(
      bits.map((b) => [b.hi, b.lo]),
      [
        [6, 3],
        [32, 0],
        [32, 31],
      ],
    );
    // log-uniform on [5 s, 600 s]: P(gap <= 60 s) = ln 12 / ln 120 = 0.519
    const g = await store.one<{ lo: number; hi: number; within_minute: number }>(
      `SELECT min(session_gap_ms(range)) AS lo, max(session_gap_ms(range)) AS hi,
         avg(CASE WHEN session_gap_ms(range) <= 60000 THEN 1 ELSE 0 END) AS within_minute
       FROM range(100000)`,
    );
    assert.ok(g!.lo >= 5000 && g!.hi <= 600_000, `${g!.lo}..${g!.hi}`);
    close(g!.within_minute, Math.log(12) / Math.log(120), 0.01);
  } finally {
    store.close();
  }
});
