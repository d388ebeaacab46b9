import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareNames } from '../../src/query/model-map.js';
import { releaseFigures, versionInertia } from '../../src/metrics/version-inertia.js';
import { Store } from '../../src/store/db.js';
import { approx } from './analyze-fixtures.js';

/**
 * Requests per day and model (built-in release dates): DeepSeek-V3 line: V3.1-Terminus 09-22,
 * V3.2-Exp 09-29, V3.2 12-01. Kimi-K2: Instruct 07-11, Instruct-0905 09-05. GLM-4: 4.5 07-28,
 * 4.6 09-30 (only listed, never requested). GLM-4.5-Air: alone in its line. MiniMax-M: M2 10-27,
 * M2.1 12-23. acme-private-7b: unknown, no release date.
 */
const DAYS: [string, string, number][] = [
  ['2025-11-30', 'DeepSeek-V3.1-Terminus', 1],
  ['2025-11-30', 'DeepSeek-V3.2-Exp', 4],
  ['2025-11-30', 'DeepSeek-V3.2', 1], // before its release: a preview, not superseded
  ['2025-12-01', 'DeepSeek-V3.2-Exp', 8],
  ['2025-12-01', 'DeepSeek-V3.2', 2],
  ['2025-12-01', 'Kimi-K2-Instruct', 1],
  ['2025-12-01', 'Kimi-K2-Instruct-0905', 3],
  ['2025-12-01', 'GLM-4.5', 1],
  ['2025-12-01', 'GLM-4.5-Air', 2],
  ['2025-12-01', 'acme-private-7b', 2],
  ['2025-12-03', 'DeepSeek-V3.2-Exp', 6],
  ['2025-12-03', 'DeepSeek-V3.2', 4],
  ['2025-12-05', 'DeepSeek-V3.2-Exp', 3],
  ['2025-12-05', 'DeepSeek-V3.2', 7],
  ['2025-12-08', 'DeepSeek-V3.2-Exp', 1],
  ['2025-12-08', 'DeepSeek-V3.2', 4],
  ['2025-12-23', 'MiniMax-M2', 2],
  ['2025-12-30', 'MiniMax-M2', 1],
  ['2025-12-30', 'MiniMax-M2.1', 1],
  ['2025-12-31', 'DeepSeek-V3.2-Exp', 1],
  ['2025-12-31', 'DeepSeek-V3.2', 9],
];

async function inertiaStore(): Promise<Store> {
  const s = await Store.open(':memory:');
  const values = DAYS.map(([d, m, n]) => `(DATE '${d}', '${m}', ${n})`).join(', ');
  // 1000 input + 0 output tokens per request, so --by tokens is --by requests × 1000
  await s.run(`INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens, status)
    SELECT day || model || i, day + INTERVAL 12 HOUR, model, 'p', 1000, 0, 'ok'
    FROM (VALUES ${values}) v(day, model, n), range(n) t(i)`);
  await s.run("INSERT INTO offerings (provider, model) VALUES ('zai', 'GLM-4.6')");
  await prepareNames(s);
  return s;
}

test('version inertia: daily superseded shares, release-day/+7/+30 shares, half-life and the inertia index', async () => {
  const s = await inertiaStore();
  try {
    const v = await versionInertia(s, { by: 'requests' });
    assert.equal(v.from, '2025-11-30');
    assert.equal(v.to, '2025-12-31');
    // superseded requests: DeepSeek-V3 11-30 Terminus 1, 12-01 Exp 8, 12-03 Exp 6, 12-05 Exp 3, 12-08 Exp 1,
    // 12-31 Exp 1 = 20 of 51; Kimi-K2 Instruct 1 of 4; GLM-4.5 1 of 1 (4.6 listed by zai);
    // GLM-4.5-Air 0 of 2 (no successor); acme 0 of 2 (no release date); MiniMax-M 12-23 M2 2, 12-30 M2 1 = 3 of 4.
    // 20 + 1 + 1 + 0 + 0 + 3 = 25 of 51 + 4 + 1 + 2 + 2 + 4 = 64 → 39.0625 %
    assert.equal(v.totalDemand, 64);
    assert.equal(v.supersededDemand, 25);
    assert.equal(v.inertiaIndex, 39.0625);
    // only the lines with a release inside 11-30 … 12-31, by demand; the catalog's GLM-4.7 (12-22) counts
    // although nobody here requested it, and GLM-4 has no demand on or after that day
    assert.deepEqual(
      v.lines.map((l) => l.line),
      ['DeepSeek-V3', 'MiniMax-M', 'GLM-4'],
    );
    const [ds, mm, glm] = v.lines;
    assert.deepEqual(
      [glm.newestModel, glm.releaseDate, glm.releaseDayShare, glm.demand],
      ['GLM-4.7', '2025-12-22', null, 1],
    );
    assert.deepEqual(approx({ ...ds, daily: undefined }), {
      line: 'DeepSeek-V3',
      family: 'DeepSeek',
      newestModel: 'DeepSeek-V3.2',
      releaseDate: '2025-12-01',
      releaseDayShare: 80, // 8 of 10 on V3.2-Exp on 12-01
      day7Share: 20, // 12-08: 1 of 5
      day30Share: 10, // 12-31: 1 of 10
      halfLifeDays: 4, // 12-03 is 60 (not below 40), 12-05 is 30 → 4 days
      demand: 51,
      supersededShare: approx((20 / 51) * 100),
      daily: undefined,
    });
    assert.deepEqual(
      approx(ds.daily.map((d) => [d.day, d.demand, d.supersededDemand, d.supersededShare])),
      approx([
        ['2025-11-30', 6, 1, 100 / 6], // Terminus only: V3.2-Exp is the newest released, V3.2 is a preview
        ['2025-12-01', 10, 8, 80],
        ['2025-12-03', 10, 6, 60],
        ['2025-12-05', 10, 3, 30],
        ['2025-12-08', 5, 1, 20],
        ['2025-12-31', 10, 1, 10],
      ]),
    );
    // MiniMax-M: 100 % on its release day, 50 % a week later (not below half), no data 30 days later
    assert.equal(mm.newestModel, 'MiniMax-M2.1');
    assert.equal(mm.releaseDate, '2025-12-23');
    assert.equal(mm.releaseDayShare, 100);
    assert.equal(mm.day7Share, 50);
    assert.equal(mm.day30Share, null);
    assert.equal(mm.halfLifeDays, null);
    assert.equal(mm.supersededShare, 75);
  } finally {
    s.close();
  }
});

test('version inertia in tokens equals the request shares here; a later --from leaves the 12-01 release out', async () => {
  const s = await inertiaStore();
  try {
    const t = await versionInertia(s, { by: 'tokens' });
    assert.equal(t.totalDemand, 64000);
    assert.equal(t.inertiaIndex, 39.0625);
    const late = await versionInertia(s, { by: 'requests', from: '2025-12-02' });
    assert.equal(late.from, '2025-12-02');
    assert.deepEqual(
      late.lines.map((l) => [l.line, l.releaseDate]),
      [['MiniMax-M', '2025-12-23']],
    );
    // from 12-02: DeepSeek 6 + 3 + 1 + 1 = 11 superseded of 35, MiniMax 3 of 4 → 14 of 39
    assert.equal(approx(late.inertiaIndex), approx((14 / 39) * 100));
    // a single line with no successor: never superseded
    const air = await versionInertia(s, { by: 'requests', model: 'GLM-4.5-Air' });
    assert.equal(air.inertiaIndex, 0);
    assert.deepEqual(air.lines, []);
  } finally {
    s.close();
  }
});

test('a period with no data: no lines, null index', async () => {
  const s = await inertiaStore();
  try {
    const v = await versionInertia(s, { by: 'requests', from: '2030-01-01', to: '2030-01-31' });
    assert.deepEqual(v, {
      unit: 'requests',
      from: '2030-01-01',
      to: '2030-01-31',
      totalDemand: 0,
      supersededDemand: 0,
      inertiaIndex: null,
      lines: [],
    });
  } finally {
    s.close();
  }
});

test('release figures: days without demand are null; the half-life needs a share strictly below half', () => {
  const day = (sinceRelease: number, share: number | null) => ({
    day: `d${sinceRelease}`,
    demand: 1,
    supersededDemand: 0,
    supersededShare: share,
    sinceRelease,
  });
  assert.deepEqual(releaseFigures([day(-1, 100), day(0, 90), day(2, 45), day(3, 44.9), day(7, 10)]), {
    releaseDayShare: 90,
    day7Share: 10,
    day30Share: null,
    halfLifeDays: 3,
  });
  // no demand on the release day: no base, no half-life
  assert.deepEqual(releaseFigures([day(1, 80), day(5, 0)]), {
    releaseDayShare: null,
    day7Share: null,
    day30Share: null,
    halfLifeDays: null,
  });
});

test('a successor nobody here used still supersedes: the catalog knows its release', async () => {
  const s = await Store.open(':memory:');
  try {
    // only DeepSeek-V3.1-Terminus (09-22), on 10-01: V3.2-Exp (09-29) is the line's newest release by then
    await s.run(`INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens)
      VALUES ('t1', TIMESTAMP '2025-10-01 10:00', 'DeepSeek-V3.1-Terminus', 'p', 10, 0)`);
    await prepareNames(s);
    const v = await versionInertia(s, { by: 'requests' });
    assert.equal(v.inertiaIndex, 100);
  } finally {
    s.close();
  }
});
