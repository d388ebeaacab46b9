/**
 * throughput and ttft take their choice from the segment's best provider per class
 * of requests (how many providers a request fits); ties fall to the cheapest for the
 * request, then the name. Checked request by request against a direct computation
 * of SPEC's rule, with context limits that split the requests into classes, tied
 * figures, and token mixes that make different tied providers the cheapest — on a
 * market small enough for the class columns and on one too wide for them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Offer, Probe, Req } from './market.js';
import { openMarket, runReplay } from './market.js';

interface P {
  name: string;
  context: number;
  /** input, output, cached price per 1 M tokens */
  price: [number, number, number];
  ttft: number;
  tps: number;
}

function market(width: number): P[] {
  // a: the longest context; b, c tie on TPS and TTFT with opposite price mixes; d the fastest but short;
  // e ties with d on TTFT; the rest fill the width with slow, expensive providers
  const ps: P[] = [
    { name: 'a', context: 100_000, price: [1, 1, 0.5], ttft: 900, tps: 40 },
    { name: 'b', context: 50_000, price: [0.2, 2, 0.1], ttft: 300, tps: 80 },
    { name: 'c', context: 50_000, price: [2, 0.2, 1], ttft: 300, tps: 80 },
    { name: 'd', context: 4_000, price: [3, 3, 3], ttft: 200, tps: 120 },
    { name: 'e', context: 8_000, price: [0.1, 0.1, 0.1], ttft: 200, tps: 60 },
  ];
  for (let i = ps.length; i < width; i++) {
    ps.push({ name: `z${String(i).padStart(2, '0')}`, context: 20_000, price: [5, 5, 5], ttft: 2000, tps: 10 });
  }
  return ps;
}

/** [input, output, cached]: short ones fit everyone, long ones only a, b and c, or only a. */
const TOKENS: [number, number, number][] = [
  [1000, 100, 0],
  [100, 3000, 0],
  [3000, 500, 2000],
  [500, 500, 0],
  [6000, 1000, 0],
  [30_000, 100, 0],
  [100, 30_000, 0],
  [45_000, 4000, 40_000],
  [70_000, 1000, 0],
  [1, 1, 0],
];

/** SPEC: the best figure among the providers the request fits; ties: the lower cost, then the name. */
function expected(
  ps: P[],
  [input, output, cached]: [number, number, number],
  policy: 'throughput' | 'ttft',
): string | undefined {
  const fits = ps.filter((p) => p.context >= input + output);
  const cost = (p: P) => (input - cached) * p.price[0] + cached * p.price[2] + output * p.price[1];
  const key = (p: P) => (policy === 'throughput' ? -p.tps : p.ttft);
  return [...fits].sort((x, y) => key(x) - key(y) || cost(x) - cost(y) || (x.name < y.name ? -1 : 1))[0]?.name;
}

for (const width of [6, 12]) {
  test(`throughput and ttft choose as SPEC's rule does, ${width} providers`, async () => {
    const ps = market(width);
    const offers: Offer[] = ps.map((p) => ({
      provider: p.name,
      context: p.context,
      price: p.price,
      official: p.name === 'a',
    }));
    const probes: Probe[] = ps.map((p) => ['2025-10-01 00:05', p.name, true, p.ttft, p.tps]);
    const requests: Req[] = TOKENS.map(([i, o, c], n) => [
      `r${n}`,
      `2025-10-01 00:${String(10 + n).padStart(2, '0')}`,
      'a',
      i,
      o,
      c,
      null,
    ]);
    const s = await openMarket({ offers, probes, requests });
    try {
      const { outcomes } = await runReplay(s, { policies: ['throughput', 'ttft'], info: 'hindsight' });
      const rows = await s.all<{ policy: string; request_id: string; provider: string }>(
        `SELECT policy, request_id, provider FROM (${outcomes.sql}) ORDER BY policy, request_id`,
        outcomes.params,
      );
      const got = new Map(rows.map((r) => [`${r.policy} ${r.request_id}`, r.provider]));
      for (const policy of ['throughput', 'ttft'] as const) {
        TOKENS.forEach((t, n) =>
          assert.equal(got.get(`${policy} r${n}`), expected(ps, t, policy), `${policy} r${n} ${t}`),
        );
      }
      // the ties are real: b and c, and d and e, each win some requests
      const winners = new Set(rows.map((r) => r.provider));
      for (const p of ['b', 'c', 'd', 'e']) assert.ok(winners.has(p), `${p} wins a request`);
    } finally {
      s.close();
    }
  });
}
