/**
 * Loads the derived market plan (small tables: tasks, family bands, version epochs,
 * offerings, prices, incidents, catalog) into DuckDB. Values go in as parameters.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import { type Store } from '../store/db.js';
import {
  CALIBRATION,
  CURRENCY,
  MEASUREMENT,
  MONITORING_GAPS,
  OUTAGES,
  PROBE_DAYS,
  PROCESS,
  SESSIONS,
  TASKS,
  type Incident,
} from './market.js';
import {
  aliasChoices,
  catalogRows,
  cumulative,
  familyBands,
  familyKeyCaps,
  featureList,
  lineEpochs,
  lineWeights,
  lines,
  offerings,
  priceSnapshots,
  windowEndMs,
  windowStartMs,
  type OfferingRow,
} from './plan.js';

type SqlType = 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP';
type Cell = string | number | boolean | null;

/** Creates `table` and fills it with `rows`, 100 rows per INSERT. */
export async function loadRows(
  store: Store,
  table: string,
  columns: readonly (readonly [name: string, type: SqlType])[],
  rows: readonly Cell[][],
): Promise<void> {
  await store.run(
    `CREATE OR REPLACE TABLE ${quotedIdentifier(table)} (${columns.map(([n, t]) => `${quotedIdentifier(n)} ${t}`).join(', ')})`,
  );
  const chunk = 100;
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const params: DuckDBValue[] = [];
    const tuples = part.map((row) => {
      if (row.length !== columns.length) throw new Error(`loadRows ${table}: expected ${columns.length} values`);
      const cells = row.map((v, k) => {
        params.push(v);
        return `CAST($${params.length} AS ${columns[k][1]})`;
      });
      return `(${cells.join(', ')})`;
    });
    await store.run(`INSERT INTO ${quotedIdentifier(table)} VALUES ${tuples.join(', ')}`, params);
  }
}

/** A timestamp parameter DuckDB casts without time-zone handling: 'YYYY-MM-DD HH:MM:SS.mmm'. */
export function tsParam(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export interface GenerationKnobs {
  seed: number;
  requests: number;
}

export async function setVariables(store: Store, k: GenerationKnobs): Promise<void> {
  const vars: [string, DuckDBValue][] = [
    ['seed', k.seed],
    ['n', k.requests],
    ['t0_ms', windowStartMs],
    ['t1_ms', windowEndMs],
    ['days', Math.round((windowEndMs - windowStartMs) / 86_400_000)],
    ['hours', Math.round((windowEndMs - windowStartMs) / 3_600_000)],
    ['growth', PROCESS.growth],
    ['diurnal', PROCESS.diurnalAmplitude],
    ['peak_hour', PROCESS.peakHourUtc],
    ['degraded_fail', PROCESS.degradedFailure],
    ['degraded_meas_fail', PROCESS.degradedMeasurementFailure],
    ['missing_timings', PROCESS.missingTimings],
    ['missing_cost', PROCESS.missingCost],
    ['gap_min_ms', SESSIONS.gapSeconds.min * 1000],
    ['gap_max_ms', SESSIONS.gapSeconds.max * 1000],
    ['meas_every_ms', MEASUREMENT.everySeconds * 1000],
    ['meas_jitter_ms', MEASUREMENT.jitterSeconds * 1000],
    ['meas_output', MEASUREMENT.outputTokens],
    ['stale_hours', CALIBRATION.staleHours],
    ['min_success', CALIBRATION.minSuccess],
    ['currency', CURRENCY],
  ];
  for (const [name, value] of vars) {
    // The variable name is a fixed identifier from this list; the value is a parameter.
    await store.run(`SET VARIABLE ${name} = $1`, [value]);
  }
}

export async function loadPlan(store: Store): Promise<OfferingRow[]> {
  await loadRows(
    store,
    'g_tasks',
    [
      ['task', 'VARCHAR'],
      ['lo', 'DOUBLE'],
      ['in_med', 'DOUBLE'],
      ['in_sig', 'DOUBLE'],
      ['in_max', 'BIGINT'],
      ['out_med', 'DOUBLE'],
      ['out_sig', 'DOUBLE'],
      ['out_max', 'BIGINT'],
      ['p_stream', 'DOUBLE'],
      ['p_tools', 'DOUBLE'],
      ['p_json', 'DOUBLE'],
      ['cache_p', 'DOUBLE'],
      ['cache_lo', 'DOUBLE'],
      ['cache_hi', 'DOUBLE'],
    ],
    cumulative(TASKS, (t) => t.share).map(({ item: t, lo }) => [
      t.task,
      lo,
      t.input.median,
      t.input.sigma,
      t.input.max,
      t.output.median,
      t.output.sigma,
      t.output.max,
      t.needs.stream,
      t.needs.tools,
      t.needs.json_schema,
      t.cache.p,
      t.cache.lo,
      t.cache.hi,
    ]),
  );
  await loadRows(
    store,
    'g_apps',
    [
      ['task', 'VARCHAR'],
      ['app', 'VARCHAR'],
      ['lo', 'DOUBLE'],
    ],
    TASKS.flatMap((t) => cumulative(t.apps, ([, w]) => w).map(({ item: [app], lo }) => [t.task, app, lo])),
  );
  await loadRows(
    store,
    'g_bands',
    [
      ['family', 'VARCHAR'],
      ['lo', 'DOUBLE'],
      ['avail_ts', 'TIMESTAMP'],
    ],
    familyBands().map((b) => [b.family, b.lo, tsParam(b.availableMs)]),
  );
  await loadRows(
    store,
    'g_caps',
    [
      ['from_ts', 'TIMESTAMP'],
      ['cap', 'DOUBLE'],
    ],
    familyKeyCaps().map((c) => [tsParam(c.fromMs), c.cap]),
  );
  const lineIds = new Map(lines().map((l, k) => [l.line, k]));
  await loadRows(
    store,
    'g_line_weights',
    [
      ['family', 'VARCHAR'],
      ['line', 'VARCHAR'],
      ['line_id', 'BIGINT'],
      ['task', 'VARCHAR'],
      ['weight', 'DOUBLE'],
      ['avail_ts', 'TIMESTAMP'],
    ],
    lineWeights().map((w) => [w.family, w.line, lineIds.get(w.line)!, w.task, w.weight, tsParam(w.availableMs)]),
  );
  const epochs = lineEpochs();
  await loadRows(
    store,
    'g_epochs',
    [
      ['line', 'VARCHAR'],
      ['epoch_from', 'TIMESTAMP'],
      ['newest', 'VARCHAR'],
      ['s_start', 'DOUBLE'],
      ['s_floor', 'DOUBLE'],
      ['tau_days', 'DOUBLE'],
    ],
    epochs.map((e) => [e.line, tsParam(e.fromMs), e.newest, e.start, e.floor, e.tauDays]),
  );
  await loadRows(
    store,
    'g_epoch_older',
    [
      ['line', 'VARCHAR'],
      ['epoch_from', 'TIMESTAMP'],
      ['model', 'VARCHAR'],
      ['lo', 'DOUBLE'],
    ],
    epochs.flatMap((e) =>
      cumulative(e.older, (x) => x.weight).map(({ item, lo }) => [e.line, tsParam(e.fromMs), item.model, lo]),
    ),
  );
  await loadRows(
    store,
    'g_alias',
    [
      ['model', 'VARCHAR'],
      ['alias', 'VARCHAR'],
      ['lo', 'DOUBLE'],
    ],
    aliasChoices().map((a) => [a.model, a.alias, a.lo]),
  );
  await loadRows(
    store,
    'g_catalog',
    [
      ['alias', 'VARCHAR'],
      ['model', 'VARCHAR'],
      ['family', 'VARCHAR'],
      ['line', 'VARCHAR'],
      ['release_date', 'DATE'],
    ],
    catalogRows().map((c) => [c.alias, c.model, c.family, c.line, c.releaseDate]),
  );

  const offs = offerings();
  await loadRows(
    store,
    'g_offerings',
    [
      ['oid', 'BIGINT'],
      ['provider', 'VARCHAR'],
      ['model', 'VARCHAR'],
      ['official', 'BOOLEAN'],
      ['listed_from', 'DATE'],
      ['listed_to', 'DATE'],
      ['from_ms', 'BIGINT'],
      ['to_ms', 'BIGINT'],
      ['from_ts', 'TIMESTAMP'],
      ['to_ts', 'TIMESTAMP'],
      ['context_length', 'BIGINT'],
      ['max_output_tokens', 'BIGINT'],
      ['features', 'VARCHAR'],
      ['quantization', 'VARCHAR'],
      ['has_tools', 'BOOLEAN'],
      ['has_json', 'BOOLEAN'],
      ['has_stream', 'BOOLEAN'],
      ['ttft_ms', 'DOUBLE'],
      ['tps', 'DOUBLE'],
      ['traffic', 'DOUBLE'],
      ['error_rate', 'DOUBLE'],
      ['degraded_rate', 'DOUBLE'],
      ['unsupported_code', 'VARCHAR'],
      ['unsupported_message', 'VARCHAR'],
    ],
    offs.map((r) => {
      const f = featureList(r.features);
      return [
        r.oid,
        r.provider,
        r.model,
        r.official,
        r.listedFrom,
        r.listedTo,
        r.fromMs,
        r.toMs,
        tsParam(r.fromMs),
        tsParam(r.toMs),
        r.contextLength,
        r.maxOutputTokens,
        r.features,
        r.quantization,
        f.includes('tools'),
        f.includes('json_schema'),
        f.includes('stream'),
        r.ttftMs,
        r.tps,
        r.traffic,
        r.errorRate,
        r.degradedRate,
        r.unsupportedCode,
        r.unsupportedMessage,
      ];
    }),
  );
  await loadRows(
    store,
    'g_prices',
    [
      ['ts', 'TIMESTAMP'],
      ['provider', 'VARCHAR'],
      ['model', 'VARCHAR'],
      ['input_price', 'DOUBLE'],
      ['output_price', 'DOUBLE'],
      ['cached_input_price', 'DOUBLE'],
    ],
    priceSnapshots(offs).map((p) => [
      tsParam(Date.parse(p.ts)),
      p.provider,
      p.model,
      p.inputPrice,
      p.outputPrice,
      p.cachedPrice,
    ]),
  );
  const incidents = (rows: readonly Incident[]): Cell[][] =>
    rows.map((x) => [x.provider, tsParam(Date.parse(x.from)), tsParam(Date.parse(x.to))]);
  const incidentColumns = [
    ['provider', 'VARCHAR'],
    ['from_ts', 'TIMESTAMP'],
    ['to_ts', 'TIMESTAMP'],
  ] as const;
  await loadRows(store, 'g_outages', incidentColumns, incidents(OUTAGES));
  await loadRows(store, 'g_gaps', incidentColumns, incidents(MONITORING_GAPS));
  await loadRows(
    store,
    'g_probe_days',
    [['day', 'BIGINT']],
    PROBE_DAYS.map((d) => [d]),
  );
  await loadRows(
    store,
    'g_probe_inputs',
    [
      ['k', 'BIGINT'],
      ['input_tokens', 'BIGINT'],
    ],
    MEASUREMENT.inputTokens.map((t, k) => [k, t]),
  );
  return offs;
}
