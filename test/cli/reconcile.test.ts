import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fixtures, realData, runCli, tmpDir } from '../helpers.js';

const near = (a: number | null, b: number, what: string, tol = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

interface Row {
  model: string;
  provider: string;
  requests: number;
  priced: number;
  billedCost: number;
  listCost: number;
  deltaPct: number | null;
  medianAbsErrorPct: number | null;
  effectiveInputPrice: number | null;
  effectiveCachedPrice: number | null;
  effectiveOutputPrice: number | null;
  n: number;
  unpriced: Record<string, number>;
}

describe('ai-ping reconcile', () => {
  const dir = tmpDir();
  const demo = path.join(dir, 'demo.duckdb');
  const hand = path.join(dir, 'hand.duckdb');
  before(() => {
    assert.equal(runCli(['demo', '--requests', '20000', '--dir', dir, '--format', 'json']).code, 0);
    const r = runCli(['ingest', path.join(fixtures, 'reconcile'), '--db', hand]);
    assert.equal(r.code, 0, r.stderr);
  });

  test('the demo bills at list prices by construction: every delta 0, the fit returns the list prices', () => {
    const r = runCli(['reconcile', '--db', demo, '--format', 'json', '--fail-if', 'billingDeltaPct > 0.000001']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { rows: (Row & { listInputPrice: number })[]; overall: Row };
    near(j.overall.deltaPct, 0, 'overall delta');
    near(j.overall.medianAbsErrorPct, 0, 'median');
    assert.ok(j.overall.priced > 19_000, `${j.overall.priced} priced`);
    for (const x of j.rows.filter((x) => x.priced)) near(x.deltaPct, 0, `${x.model} at ${x.provider}`);
    // a provider that kept one price over the period: its bills give that price back
    const fitted = j.rows.filter((x) => x.n >= 20 && x.effectiveInputPrice !== null);
    assert.ok(fitted.length > 10);
    assert.ok(fitted.some((x) => Math.abs(x.effectiveInputPrice! - x.listInputPrice) < 1e-9));
  });

  test('a provider billing 10% above list fails the gate (exit 1); table, Markdown and CSV say the same', () => {
    // corp's 10% is a −0.46% gap over every bill: |delta| passes 0.4 and not 0.5
    const pass = runCli(['reconcile', '--db', hand, '--fail-if', 'billingDeltaPct > 0.5']);
    assert.equal(pass.code, 0, pass.stderr);
    const gate = runCli(['reconcile', '--db', hand, '--fail-if', 'billingDeltaPct > 0.4', '--format', 'md']);
    assert.equal(gate.code, 1, gate.stderr);
    assert.match(gate.stderr, /gate\(s\) failed: billingDeltaPct > 0\.4 \(billingDeltaPct = 0\.45\d+\)/);
    assert.match(gate.stdout, /^- \*\*GATE FAILED: billingDeltaPct > 0\.4/);
    assert.match(
      gate.stdout,
      /\| DeepSeek-V3\.2 \| corp \| 24 \| 24 \| [\d.]+ USD \| [\d.]+ USD \| −9\.09% \| 9\.09% \|/,
    );
    assert.match(
      gate.stdout,
      /> not compared with list \(no_price\): 24 of 124 requests: no list price of that model and provider in force then/,
    );
    const csv = runCli(['reconcile', '--db', hand, '--format', 'csv']).stdout.split('\n');
    assert.equal(
      csv[0],
      'model,provider,currency,requests,priced,billed_cost,list_cost,delta_pct,median_abs_error_pct,' +
        'effective_input_price,effective_cached_price,effective_output_price,r2,n,list_input_price,list_cached_price,' +
        'list_output_price,unpriced',
    );
    const corp = csv.find((l) => l.startsWith('DeepSeek-V3.2,corp,'))!.split(',');
    near(Number(corp[7]), (-0.1 / 1.1) * 100, 'corp delta, raw');
    assert.ok(!csv.some((l) => l.includes('%')), 'raw numbers');
  });

  test('a figure reconcile does not give, an unknown model, or --save-prices on files: exit 2', () => {
    const r = runCli(['reconcile', '--db', hand, '--fail-if', 'savingsPct < 10']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /reconcile gives billingDeltaPct/);
    const m = runCli(['reconcile', '--db', hand, '--model', 'NoSuchModel']);
    assert.equal(m.code, 2);
    assert.match(m.stderr, /^ai-ping: --model: 'NoSuchModel' names no model in the database; closest: /);
    const f = runCli(['reconcile', path.join(fixtures, 'reconcile', 'requests.csv'), '--save-prices']);
    assert.equal(f.code, 2);
    assert.match(f.stderr, /--save-prices stores prices in a database: pass --db/);
  });

  test('--save-prices, then simulate --prices: a provider no catalogue lists is priced at what it billed', () => {
    const args = [
      '--policy',
      'cost',
      '--baseline',
      'observed',
      '--state',
      'none',
      '--bootstrap',
      '0',
      '--format',
      'json',
    ];
    const before = JSON.parse(runCli(['simulate', '--db', hand, ...args]).stdout);
    // dyn has no list price: its 24 requests have no baseline price, and the note says what prices them
    assert.equal(before.policies[0].excluded.no_baseline_price, 24);
    const md = runCli(['simulate', '--db', hand, ...args.slice(0, -2), '--format', 'md']).stdout;
    assert.match(
      md,
      /> not compared \(no_baseline_price\): 24 of 124 requests: the provider that served them has no price in force then; .* or price it at what it billed \('ai-ping reconcile --save-prices', then --prices both\)/,
    );
    assert.equal(runCli(['simulate', '--db', hand, ...args, '--prices', 'billed']).code, 2, 'nothing saved yet');
    const saved = runCli(['reconcile', '--db', hand, '--save-prices']);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /saved 5 fitted price snapshot\(s\) as billed prices/);
    const both = JSON.parse(runCli(['simulate', '--db', hand, ...args, '--prices', 'both']).stdout);
    assert.equal(both.prices, 'both');
    assert.equal(both.policies[0].excluded.no_baseline_price, undefined);
    assert.equal(both.policies[0].requests, before.policies[0].requests + 24);
  });

  test('an OpenRouter activity export against models.dev prices: list costs and fitted prices by hand', () => {
    const db = path.join(dir, 'openrouter.duckdb');
    const activity = path.join(fixtures, 'presets', 'openrouter-activity', 'activity.csv');
    const snapshot = path.join(realData, 'models-dev', 'history', '2026-03-01');
    assert.equal(runCli(['ingest', activity, '--preset', 'openrouter-activity', '--db', db]).code, 0);
    assert.equal(runCli(['ingest', snapshot, '--preset', 'models-dev', '--db', db]).code, 0);
    // every model name of the export resolves (the names of the logged requests)
    const analysis = JSON.parse(runCli(['analyze', '--db', db, '--format', 'json']).stdout);
    assert.equal(analysis.dataQuality.requests, 105);
    assert.deepEqual(analysis.dataQuality.unknownModels, []);
    const r = runCli(['reconcile', '--db', db, '--model', 'DeepSeek-V3.2', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = (JSON.parse(r.stdout) as { rows: Row[] }).rows;
    const row = (p: string) => rows.find((x) => x.provider === p)!;
    // models.dev, 2026-03-01, DeepSeek-V3.2 per 1 M: deepinfra 0.26 / 0.38, cached 0.13; novita 0.269 / 0.4,
    // cached 0.1345; siliconflow 0.27 / 0.42, billed 10% above: 0.297 / 0.462 (fixture README)
    near(row('deepinfra').deltaPct, 0, 'deepinfra at list');
    near(row('novita').deltaPct, 0, 'novita at list');
    near(row('siliconflow').deltaPct, (-0.1 / 1.1) * 100, 'siliconflow 10% above');
    const prices = (p: string) => [
      row(p).effectiveInputPrice,
      row(p).effectiveCachedPrice,
      row(p).effectiveOutputPrice,
    ];
    const want: Record<string, (number | null)[]> = {
      deepinfra: [0.26, 0.13, 0.38],
      novita: [0.269, 0.1345, 0.4],
      siliconflow: [0.297, null, 0.462],
    };
    for (const [p, w] of Object.entries(want))
      w.forEach((v, i) => (v === null ? assert.equal(prices(p)[i], null) : near(prices(p)[i], v, `${p} ${i}`, 1e-6)));
  });
});
