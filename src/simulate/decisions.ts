import { writeFile } from 'node:fs/promises';
import {
  Field,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import type { SqlFragment } from '../query/selection.js';
import type { Store } from '../store/db.js';

const TEXT = ['policy', 'request_id', 'provider'];
const NUMBERS = ['cost', 'tps', 'latency_ms', 'ttft_ms', 'success', 'baseline_cost'];

/**
 * Writes the per-request decisions (policy, request id, chosen provider, modelled
 * cost, TPS, end-to-end latency, TTFT, success probability, baseline cost) as an
 * Arrow IPC file for notebooks, one record batch per DuckDB chunk. Unknown figures are null.
 */
export async function writeDecisions(store: Store, outcomes: SqlFragment, file: string): Promise<number> {
  const fields = [
    ...TEXT.map((n) => new Field(n, new Utf8(), false)),
    ...NUMBERS.map((n) => new Field(n, new Float64(), true)),
  ];
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  let rows = 0;
  // ordered by policy, then request
  const chunks = store.chunks(
    `SELECT policy, request_id, provider, cost, tps, e2e AS latency_ms, ttft AS ttft_ms, success, base_cost AS baseline_cost
     FROM (${outcomes.sql}) ORDER BY policy, request_id`,
    outcomes.params,
  );
  for await (const chunk of chunks) {
    const columns = chunk.getColumns();
    const vectors: Vector[] = columns.map((values, i) =>
      i < TEXT.length
        ? vectorFromArray(values.map(String), new Utf8())
        : vectorFromArray(
            values.map((v) => (v === null ? null : Number(v))),
            new Float64(),
          ),
    );
    const data = makeData({
      type: new Struct(fields),
      length: chunk.rowCount,
      children: vectors.map((v) => v.data[0]),
    });
    batches.push(new RecordBatch(schema, data));
    rows += chunk.rowCount;
  }
  await writeFile(file, tableToIPC(new Table(batches), 'file'));
  return rows;
}
