import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildCatalog, resolveName } from '../../src/catalog/index.js';
import { buildProviderCatalog, resolveProvider } from '../../src/catalog/providers.js';
import { InputError } from '../../src/errors.js';
import type { Store } from '../../src/store/db.js';
import { fixtures, query, tmpDir } from '../helpers.js';
import { assertIdempotent, ingestCli, rejects, rows, withIngest } from './gateway-helpers.js';

const PRESET = 'openrouter-activity';
// An Activity export, one generation a row; see the README beside it for every column and row.
const file = path.join(fixtures, 'presets', PRESET, 'activity.csv');

// The canonical columns of a request (SPEC "Canonical input tables" and cache writes).
const REQUEST_COLUMNS = `request_id, ts, model, provider, task, app, input_tokens, output_tokens, cached_tokens,
  cache_write_tokens, ttft_ms, latency_ms, status, error_type, features, cost, currency`;

async function request(s: Store, id: string): Promise<Record<string, unknown>> {
  const [r] = await rows(s, `SELECT ${REQUEST_COLUMNS} FROM requests WHERE request_id = $1`, [id]);
  assert.ok(r, `request ${id} is stored`);
  return r;
}

/** The fixture's rows as objects of text (it has no quoted fields). */
function csvRows(): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  assert.ok(!header.includes('"') && lines.every((l) => !l.includes('"')));
  const names = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

describe('openrouter-activity preset', () => {
  test('106 generations: 105 accepted, the one without a provider rejected', async () => {
    await withIngest(PRESET, [file], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 106, accepted: 105, duplicates: 0, rejected: 1 }]);
      assert.deepEqual(await rejects(s), [
        // row 106: stopped before any provider, provider_name empty
        { kind: 'requests', row: 106, field: 'provider', reason: 'provider: missing required value' },
      ]);
    });
  });

  test('cached and reasoning tokens: prompt tokens include the cached ones, completion the reasoning ones', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774001113-Rk7QpL2vXw9TzN4bHc1D'), {
        request_id: 'gen-1774001113-Rk7QpL2vXw9TzN4bHc1D',
        ts: '2026-03-20T10:05:13.221Z', // created_at 2026-03-20 10:05:13.221, UTC
        model: 'deepseek/deepseek-v3.2-20251201', // model_permaslug, variant standard
        provider: 'DeepInfra',
        task: null,
        app: 'Cline',
        input_tokens: 12000, // tokens_prompt, 8000 of them cached
        output_tokens: 900, // tokens_completion, 400 of them reasoning
        cached_tokens: 8000, // tokens_cached
        cache_write_tokens: null, // the export has no cache-write count
        ttft_ms: 850, // time_to_first_token_ms
        latency_ms: 24850, // generation_time_ms: dispatch to the end, TTFT included
        status: 'ok',
        error_type: null,
        features: 'stream',
        cost: 0.002422, // cost_total, net of cost_cache −0.00104: (4000 × 0.26 + 8000 × 0.13 + 900 × 0.38) / 1M
        currency: 'USD',
      });
      const [tps] = await rows(
        s,
        `SELECT output_tokens / ((latency_ms - ttft_ms) / 1000.0) AS tps FROM requests
         WHERE request_id = 'gen-1774001113-Rk7QpL2vXw9TzN4bHc1D'`,
      );
      assert.deepEqual(tps, { tps: 37.5 }); // 900 tokens in 24 s of streaming
    });
  });

  test('a streamed tool call', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774103524-Hn3WcY8kPq1VbZ6sMd2F'), {
        request_id: 'gen-1774103524-Hn3WcY8kPq1VbZ6sMd2F',
        ts: '2026-03-21T14:32:04.610Z',
        model: 'deepseek/deepseek-v3.2-20251201',
        provider: 'Novita',
        task: null,
        app: 'Kilo Code',
        input_tokens: 20480,
        output_tokens: 180,
        cached_tokens: 16384,
        cache_write_tokens: null,
        ttft_ms: 1200,
        latency_ms: 7200,
        status: 'ok',
        error_type: null,
        features: 'stream,tools', // streamed true, finish_reason_normalized tool_calls
        cost: 0.003377472, // (4096 × 0.269 + 16384 × 0.1345 + 180 × 0.4) / 1M
        currency: 'USD',
      });
    });
  });

  test('not streamed, no app', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774195862-Tq5XrB9nLc3KwG7vJe4H'), {
        request_id: 'gen-1774195862-Tq5XrB9nLc3KwG7vJe4H',
        ts: '2026-03-22T16:11:02.075Z',
        model: 'deepseek/deepseek-v3.2-20251201',
        provider: 'SiliconFlow',
        task: null,
        app: null, // app_name empty
        input_tokens: 3000,
        output_tokens: 500,
        cached_tokens: 0,
        cache_write_tokens: null,
        ttft_ms: 2100,
        latency_ms: 22100,
        status: 'ok',
        error_type: null,
        features: null, // streamed false, finish stop
        cost: 0.001122, // 10% above list: (3000 × 0.297 + 500 × 0.462) / 1M
        currency: 'USD',
      });
    });
  });

  test('a cancelled generation is an error of type cancelled, with what it billed', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774290418-Mw2ZsD6hRt8PxC1nKf5J'), {
        request_id: 'gen-1774290418-Mw2ZsD6hRt8PxC1nKf5J',
        ts: '2026-03-23T18:26:58.903Z',
        model: 'deepseek/deepseek-v3.2-20251201',
        provider: 'DeepInfra',
        task: null,
        app: 'OpenClaw',
        input_tokens: 6000,
        output_tokens: 240, // generated before the abort
        cached_tokens: 0,
        cache_write_tokens: null,
        ttft_ms: 700,
        latency_ms: 8700, // until the abort
        status: 'error', // cancelled true, no finish reason
        error_type: 'cancelled',
        features: 'stream',
        cost: 0.0016512, // (6000 × 0.26 + 240 × 0.38) / 1M
        currency: 'USD',
      });
    });
  });

  test('a failed generation: zero tokens, no times', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774377731-Pc8VbN2xQz4LmS9tHg6K'), {
        request_id: 'gen-1774377731-Pc8VbN2xQz4LmS9tHg6K',
        ts: '2026-03-24T18:42:11.347Z',
        model: 'deepseek/deepseek-v3.2-20251201',
        provider: 'Novita',
        task: null,
        app: 'Cline',
        input_tokens: 0, // tokens_prompt empty
        output_tokens: 0, // tokens_completion empty
        cached_tokens: null, // tokens_cached empty
        cache_write_tokens: null,
        ttft_ms: null, // time_to_first_token_ms 0: nothing was produced
        latency_ms: null, // generation_time_ms 0
        status: 'error', // finish_reason_normalized error
        error_type: null, // the export has no status code or message
        features: 'stream',
        cost: 0,
        currency: 'USD',
      });
    });
  });

  test("a BYOK generation costs what the provider charged, not OpenRouter's fee", async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774462095-Yd4KfT7wBn1RcX5pVq8L'), {
        request_id: 'gen-1774462095-Yd4KfT7wBn1RcX5pVq8L',
        ts: '2026-03-25T18:08:15.482Z',
        model: 'deepseek/deepseek-v3.2-20251201',
        provider: 'DeepInfra',
        task: null,
        app: 'Roo Code',
        input_tokens: 40000,
        output_tokens: 1200,
        cached_tokens: 32000,
        cache_write_tokens: null,
        ttft_ms: 1400,
        latency_ms: 33400,
        status: 'ok',
        error_type: null,
        features: 'stream',
        // byok_usage_inference = (8000 × 0.26 + 32000 × 0.13 + 1200 × 0.38) / 1M; cost_total 0.0003348 is the 5% fee
        cost: 0.006696,
        currency: 'USD',
      });
    });
  });

  test('web-search and file-parsing charges are not inference cost', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774558263-Gz6NbH3qWs9TkD2xFc7M'), {
        request_id: 'gen-1774558263-Gz6NbH3qWs9TkD2xFc7M',
        ts: '2026-03-26T20:51:03.118Z',
        model: 'deepseek/deepseek-v3.2-20251201',
        provider: 'Novita',
        task: null,
        app: 'Cline',
        input_tokens: 5200,
        output_tokens: 400,
        cached_tokens: 0,
        cache_write_tokens: null,
        ttft_ms: 1100,
        latency_ms: 14600,
        status: 'ok',
        error_type: null,
        features: 'stream',
        cost: 0.0015588, // cost_total 0.0105588 − web search 0.007 − file parsing 0.002 = (5200 × 0.269 + 400 × 0.4) / 1M
        currency: 'USD',
      });
    });
  });

  test('a route variant stays in the model name', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774640847-Vb9MxC4tRn6QwL1zJd3N'), {
        request_id: 'gen-1774640847-Vb9MxC4tRn6QwL1zJd3N',
        ts: '2026-03-27T19:47:27.556Z',
        model: 'openai/gpt-oss-120b:free', // model_permaslug + variant free
        provider: 'Chutes',
        task: null,
        app: 'OpenClaw',
        input_tokens: 2100,
        output_tokens: 650,
        cached_tokens: 0,
        cache_write_tokens: null,
        ttft_ms: 700,
        latency_ms: 5900,
        status: 'ok',
        error_type: null,
        features: 'stream',
        cost: 0,
        currency: 'USD',
      });
    });
  });

  test("OpenRouter's Google is Vertex AI", async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await request(s, 'gen-1774731602-Kf2DzW8vHq5NcB7sXt4P'), {
        request_id: 'gen-1774731602-Kf2DzW8vHq5NcB7sXt4P',
        ts: '2026-03-28T21:00:02.009Z',
        model: 'openai/gpt-oss-120b',
        provider: 'Google Vertex', // provider_name Google
        task: null,
        app: 'Kilo Code',
        input_tokens: 1500,
        output_tokens: 300,
        cached_tokens: 0,
        cache_write_tokens: null,
        ttft_ms: 400,
        latency_ms: 2400,
        status: 'ok',
        error_type: null,
        features: 'stream',
        cost: 0.000243,
        currency: 'USD',
      });
    });
  });

  describe('the DeepSeek-V3.2 block follows the prices its README states', () => {
    // USD per 1M tokens, as 1e-4 units: models.dev 2026-03-01 list prices, SiliconFlow 10% above its list.
    const PRICES: Record<string, { input: number; cached: number | null; output: number }> = {
      'DeepInfra deepseek/deepseek-v3.2-20251201': { input: 2600, cached: 1300, output: 3800 },
      'Novita deepseek/deepseek-v3.2-20251201': { input: 2690, cached: 1345, output: 4000 },
      'SiliconFlow deepseek/deepseek-v3.2-20251201': { input: 2970, cached: null, output: 4620 },
      'Novita deepseek/deepseek-v3.2-exp': { input: 2700, cached: null, output: 4100 },
    };
    // An amount in 1e-10 USD as the export writes it.
    const usd = (units: number) =>
      units === 0
        ? '0'
        : `${units < 0 ? '-' : ''}${String(Math.abs(units))
            .padStart(11, '0')
            .replace(/(\d{10})$/, '.$1')}`
            .replace(/0+$/, '')
            .replace(/\.$/, '');
    const block = csvRows().slice(0, 96);

    test('rows 1–96: at least 25 priced rows per provider, every cost_total and cost_cache exact', () => {
      const count: Record<string, number> = {};
      for (const r of block) {
        const key = `${r.provider_name} ${r.model_permaslug}`;
        const p = PRICES[key];
        assert.ok(p, `${r.generation_id}: ${key} has a price rule`);
        count[key] = (count[key] ?? 0) + 1;
        const [prompt, cached, completion] = [r.tokens_prompt, r.tokens_cached, r.tokens_completion].map(Number);
        const cachedPrice = p.cached ?? p.input;
        assert.equal(
          r.cost_total,
          usd((prompt - cached) * p.input + cached * cachedPrice + completion * p.output),
          `${r.generation_id}: cost_total`,
        );
        assert.equal(r.cost_cache, usd(-cached * (p.input - cachedPrice)), `${r.generation_id}: cost_cache`);
      }
      assert.deepEqual(count, {
        'DeepInfra deepseek/deepseek-v3.2-20251201': 30,
        'Novita deepseek/deepseek-v3.2-20251201': 30,
        'SiliconFlow deepseek/deepseek-v3.2-20251201': 30,
        'Novita deepseek/deepseek-v3.2-exp': 6,
      });
      assert.ok(block.filter((r) => r.provider_name === 'DeepInfra' && Number(r.tokens_cached) > 0).length >= 10);
      assert.ok(block.filter((r) => r.provider_name === 'Novita' && Number(r.tokens_cached) > 0).length >= 10);
      assert.ok(block.every((r) => r.created_at >= '2026-03-02' && r.created_at < '2026-03-14'));
    });

    test('each block row is stored with its tokens, times and cost_total as cost', async () => {
      await withIngest(PRESET, [file], async (s) => {
        const stored = new Map(
          (
            await rows(
              s,
              `SELECT request_id, provider, input_tokens, output_tokens, cached_tokens, ttft_ms, latency_ms, status, cost FROM requests`,
            )
          ).map((r) => [r.request_id, r]),
        );
        for (const r of block) {
          assert.deepEqual(stored.get(r.generation_id), {
            request_id: r.generation_id,
            provider: r.provider_name,
            input_tokens: Number(r.tokens_prompt),
            output_tokens: Number(r.tokens_completion),
            cached_tokens: Number(r.tokens_cached),
            ttft_ms: Number(r.time_to_first_token_ms),
            latency_ms: Number(r.generation_time_ms),
            status: 'ok',
            cost: Number(r.cost_total),
          });
        }
      });
    });
  });

  test('every model of the file resolves in the built-in catalog, every provider to its models.dev id', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const catalog = buildCatalog([]);
      const models = (await rows(s, 'SELECT DISTINCT model FROM requests ORDER BY model')).map(
        (r) => r.model as string,
      );
      assert.deepEqual(
        models.map((m) => {
          const r = resolveName(m, catalog);
          return [m, r.known, r.model, r.variant];
        }),
        [
          ['deepseek/deepseek-v3.2-20251201', true, 'DeepSeek-V3.2', null],
          ['deepseek/deepseek-v3.2-exp', true, 'DeepSeek-V3.2-Exp', null],
          ['openai/gpt-oss-120b', true, 'gpt-oss-120b', null],
          ['openai/gpt-oss-120b:free', true, 'gpt-oss-120b', 'free'],
        ],
      );
      // The block's providers are the canonical providers models.dev prices under its own ids.
      const providers = buildProviderCatalog();
      for (const [openrouter, modelsDev] of [
        ['DeepInfra', 'deepinfra'],
        ['Novita', 'novita-ai'],
        ['SiliconFlow', 'siliconflow'],
      ]) {
        const a = resolveProvider(openrouter, providers);
        assert.ok(a.known, openrouter);
        assert.equal(a.provider, resolveProvider(modelsDev, providers).provider, `${openrouter} = ${modelsDev}`);
      }
    });
  });

  test('user: the user column on every row that has one; session: only a session_id column', async () => {
    await withIngest(PRESET, [file], async (s) => {
      // user u_1842 on 23 rows, 20 of them with an app; the export has no session column
      assert.deepEqual(
        await rows(
          s,
          `SELECT user, count(*) AS n, count(app) AS with_app, count(session) AS sessions FROM requests
           WHERE user IS NOT NULL GROUP BY user`,
        ),
        [{ user: 'u_1842', n: 23, with_app: 20, sessions: 0 }],
      );
      assert.deepEqual(await rows(s, 'SELECT count(*) AS n FROM requests WHERE session IS NOT NULL'), [{ n: 0 }]);
      // row 4: user u_1842 with app OpenClaw; row 7: user u_1842, no app
      assert.deepEqual(
        await rows(
          s,
          `SELECT request_id, app, session, user FROM requests
           WHERE request_id IN ('gen-1772438239-OGJRhTopUQZ1qOeEHOM6', 'gen-1772467337-pPpaOBgUTvjt0kxlrJcq') ORDER BY ts`,
        ),
        [
          { request_id: 'gen-1772438239-OGJRhTopUQZ1qOeEHOM6', app: 'OpenClaw', session: null, user: 'u_1842' },
          { request_id: 'gen-1772467337-pPpaOBgUTvjt0kxlrJcq', app: null, session: null, user: 'u_1842' },
        ],
      );
    });
    // An export carrying the generation record's session_id: it is the session, app or not; the user stays the user.
    const withSessions = path.join(tmpDir(), 'activity.csv');
    const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
    const ids: Record<number, string> = { 3: 'conv-1', 6: 'conv-1' }; // rows 4 and 7 (0-based 3 and 6)
    writeFileSync(withSessions, [`${header},session_id`, ...lines.map((l, i) => `${l},${ids[i] ?? ''}`)].join('\n'));
    await withIngest(PRESET, [withSessions], async (s) => {
      assert.deepEqual(
        await rows(s, 'SELECT request_id, app, session, user FROM requests WHERE session IS NOT NULL ORDER BY ts'),
        [
          { request_id: 'gen-1772438239-OGJRhTopUQZ1qOeEHOM6', app: 'OpenClaw', session: 'conv-1', user: 'u_1842' },
          { request_id: 'gen-1772467337-pPpaOBgUTvjt0kxlrJcq', app: null, session: 'conv-1', user: 'u_1842' },
        ],
      );
    });
  });

  test('idempotent: ingesting the file twice adds nothing', async () => {
    await assertIdempotent(PRESET, file);
  });

  test('a CSV of another kind is refused, naming the file and the missing columns', async () => {
    const other = path.join(tmpDir(), 'other.csv');
    writeFileSync(other, 'id,created_at,model\ng1,2026-03-01 00:00:00,m\n');
    await assert.rejects(
      withIngest(PRESET, [other], async () => undefined),
      (e: Error) =>
        e instanceof InputError &&
        /other\.csv: not an OpenRouter Activity export: no column 'generation_id', 'model_permaslug', 'provider_name'/.test(
          e.message,
        ),
    );
  });

  test('CLI: ai-ping ingest --preset openrouter-activity --format json', async () => {
    const r = ingestCli(file, PRESET);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.files.map((f) => [path.basename(f.file), f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      [['activity.csv', 'requests', 106, 105, 0, 1]],
    );
    const [n] = await query<{ n: number; usd: number }>(
      r.db,
      "SELECT count(*) AS n, count(*) FILTER (WHERE currency = 'USD') AS usd FROM requests",
    );
    assert.deepEqual(n, { n: 105, usd: 105 });
  });
});
