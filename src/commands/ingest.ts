import { existsSync, rmSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { ingestFiles, type FileCounts } from '../ingest/index.js';
import { fileCountsJson, fileWarnings, skippedWarnings } from '../ingest/messages.js';
import type { SkippedFile } from '../ingest/sources.js';
import { PRESETS, presetNames, type Preset } from '../ingest/presets/index.js';
import { prepareNames } from '../query/model-map.js';
import { ANOMALY_FACTOR, priceAnomalies, type PriceAnomaly } from '../metrics/price-anomalies.js';
import type { Report } from '../report/index.js';
import { withStore } from '../store/db.js';
import { isTableKind, TABLES, type TableKind } from '../store/schema.js';

export interface IngestOptions {
  files: string[];
  db: string;
  kind?: string;
  preset?: string;
  set?: string[];
  map?: string[];
  strict?: boolean;
  onWarn?: (msg: string) => void;
  onProgress?: (msg: string) => void;
}

export interface IngestResult {
  db: string;
  files: FileCounts[];
  /** suspicious prices among the rows just ingested (kept, and flagged) */
  anomalies: PriceAnomaly[];
}

export interface PresetList {
  presets: { name: string; description: string }[];
}

export function listPresets(): PresetList {
  return { presets: presetNames().map((name) => ({ name, description: PRESETS[name].description })) };
}

export function presetListReport(r: PresetList): Report {
  return {
    json: r,
    sections: [
      {
        title: 'Presets (ai-ping ingest FILE --preset NAME)',
        columns: ['preset', 'reads'],
        rows: r.presets.map((p) => [p.name, p.description]),
      },
    ],
  };
}

/** Parses repeated `key=value` options into an object. */
export function parsePairs(option: string, pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`${option} expects column=value, got '${p}'`);
    out[p.slice(0, i).trim()] = p.slice(i + 1);
  }
  return out;
}

function checkColumns(option: string, pairs: Record<string, string>, kind?: TableKind, extra: string[] = []): void {
  const known = new Set([
    ...(kind ? [TABLES[kind]] : Object.values(TABLES)).flatMap((t) => t.columns.map((c) => c.name)),
    ...extra,
  ]);
  for (const k of Object.keys(pairs)) {
    if (!known.has(k)) {
      throw new UsageError(`${option} ${k}=…: '${k}' is not a canonical column${kind ? ` of ${kind}` : ''}`);
    }
  }
}

export async function ingest(o: IngestOptions): Promise<IngestResult> {
  if (o.kind !== undefined && !isTableKind(o.kind)) throw new UsageError(`unknown --kind '${o.kind}'`);
  const kind = o.kind as TableKind | undefined;
  if (o.files.length === 0) throw new UsageError('ingest needs at least one file, folder or glob');
  let preset: Preset | undefined;
  if (o.preset !== undefined) {
    preset = PRESETS[o.preset];
    if (!preset) {
      throw new UsageError(
        `unknown --preset '${o.preset}'; known: ${presetNames().join(', ') || 'none'} (see --preset list)`,
      );
    }
  }
  const set = parsePairs('--set', o.set);
  const map = parsePairs('--map', o.map);
  checkColumns('--set', set, kind, preset?.settings);
  checkColumns('--map', map, kind);
  const db = o.db;
  const existed = db === ':memory:' || existsSync(db);
  const skipped: SkippedFile[] = [];
  try {
    const { files, anomalies } = await withStore(db, async (store) => {
      const files = await ingestFiles(store, o.files, {
        kind,
        preset,
        set,
        map,
        strict: o.strict,
        onProgress: o.onProgress,
        onSkip: (s) => skipped.push(s),
      });
      const priceIds = files.filter((f) => f.kind === 'prices' && f.accepted > 0).map((f) => f.ingestId);
      if (priceIds.length === 0) return { files, anomalies: [] };
      await prepareNames(store);
      return { files, anomalies: await priceAnomalies(store, priceIds) };
    });
    for (const w of skippedWarnings(skipped)) o.onWarn?.(w);
    for (const w of files.flatMap(fileWarnings)) o.onWarn?.(w);
    if (anomalies.length) {
      o.onWarn?.(
        `${anomalies.length} anomalous price(s): zero, or over ${ANOMALY_FACTOR}x off the model's other providers; kept and flagged`,
      );
    }
    return { db, files, anomalies };
  } catch (e) {
    // A failed first ingest leaves no empty database behind.
    if (!existed) for (const p of [db, `${db}.wal`]) rmSync(p, { force: true });
    throw e;
  }
}

export function ingestReport(r: IngestResult): Report {
  const files = r.files.map(fileCountsJson);
  return {
    json: { files, ...(r.anomalies.length ? { anomalies: r.anomalies } : {}) },
    sections: [
      {
        columns: ['file', 'kind', 'read', 'accepted', 'duplicates', 'rejected'],
        rows: files.map((f) => [f.file, f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      },
      ...(r.anomalies.length
        ? [
            {
              title: 'Price anomalies (kept and flagged)',
              preview: 20,
              columns: [
                'provider',
                'model as listed',
                'model',
                'ts',
                'field',
                'price',
                'currency',
                'others median',
                'reason',
              ],
              rows: r.anomalies.map((a) => [
                a.provider,
                a.sourceModel,
                a.model,
                a.ts,
                a.field,
                a.price,
                a.currency,
                a.otherMedian,
                a.reason,
              ]),
            },
          ]
        : []),
    ],
    notes: [`database: ${r.db}`],
  };
}
