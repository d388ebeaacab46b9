import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, test } from 'node:test';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { ingestFiles } from '../../src/ingest/index.js';
import type { SkippedFile } from '../../src/ingest/sources.js';
import { Store } from '../../src/store/db.js';
import { fixtures, tmpDir } from '../helpers.js';

const csv = path.join(fixtures, 'ingest', 'requests.csv');
const jsonl = path.join(fixtures, 'ingest', 'requests.jsonl');

/** The canonical content of the requests table, for comparing formats. */
async function snapshot(args: string[], opts = {}): Promise<unknown[]> {
  const s = await Store.open(':memory:');
  try {
    await ingestFiles(s, args, opts);
    return await s.all(
      `SELECT request_id, strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') AS ts, model, provider, task, input_tokens, output_tokens,
              cached_tokens, ttft_ms, status, features FROM requests ORDER BY request_id`,
    );
  } finally {
    s.close();
  }
}

describe('every format yields the same rows', () => {
  const dir = tmpDir();
  let expected: unknown[];
  before(async () => {
    expected = await snapshot([csv]);
    const s = await Store.open(':memory:', { init: false });
    try {
      const p = (f: string) => `'${path.join(dir, f).replaceAll("'", "''")}'`;
      await s.run(`CREATE TABLE r AS SELECT * FROM read_csv('${csv}', all_varchar = true)`);
      await s.run(`COPY r TO ${p('requests.parquet')} (FORMAT parquet)`);
      await s.run(`COPY r TO ${p('requests.tsv')} (FORMAT csv, DELIMITER '\t', HEADER)`);
      // Typed Parquet: real timestamps and integers rather than text.
      await s.run(`COPY (SELECT * REPLACE (CAST(TRY_CAST(ts AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
        CAST(input_tokens AS INTEGER) AS input_tokens, CAST(output_tokens AS BIGINT) AS output_tokens)
        FROM r WHERE TRY_CAST(ts AS TIMESTAMPTZ) IS NOT NULL) TO ${p('typed.parquet')} (FORMAT parquet)`);
    } finally {
      s.close();
    }
    writeFileSync(path.join(dir, 'requests.csv.gz'), gzipSync(readFileSync(csv)));
    writeFileSync(path.join(dir, 'requests.jsonl.gz'), gzipSync(readFileSync(jsonl)));
    const rows = readFileSync(csv, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
    const [header, ...body] = rows;
    const cols = Object.fromEntries(header.map((h, i) => [h, body.map((r) => r[i].replaceAll('"', '') || null)]));
    const table = tableFromArrays(cols as Record<string, string[]>);
    writeFileSync(path.join(dir, 'requests.arrow'), tableToIPC(table, 'file'));
    writeFileSync(path.join(dir, 'requests.arrows'), tableToIPC(table, 'stream'));
  });

  for (const f of ['requests.parquet', 'requests.tsv', 'requests.csv.gz', 'requests.arrow', 'requests.arrows']) {
    test(f, async () => {
      assert.deepEqual(await snapshot([path.join(dir, f)]), expected);
    });
  }

  test('typed Parquet columns (TIMESTAMP, INTEGER) validate without a text round trip', async () => {
    const rows = (await snapshot([path.join(dir, 'typed.parquet')])) as { request_id: string; ts: string }[];
    const want = (expected as { request_id: string; ts: string }[]).filter((r) =>
      rows.some((x) => x.request_id === r.request_id),
    );
    assert.ok(rows.length >= 4);
    assert.deepEqual(rows, want);
  });

  test('gzip-compressed JSONL', async () => {
    assert.deepEqual(await snapshot([path.join(dir, 'requests.jsonl.gz')]), await snapshot([jsonl]));
  });

  test('a file with an unknown extension is recognised by its content', async () => {
    const odd = path.join(dir, 'export.data');
    writeFileSync(odd, readFileSync(jsonl));
    assert.deepEqual(await snapshot([odd]), await snapshot([jsonl]));
  });
});

describe('globs, folders and hive partitions', () => {
  const dir = tmpDir();
  const part = (p: string, body: string) => {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), body);
  };
  const header = 'request_id,ts,model,input_tokens,output_tokens\n';
  part('logs/provider=provider-a/day=2025-10-01/part-0.csv', header + 'h-1,2025-10-01T01:00:00Z,Qwen3-32B,10,1\n');
  part(
    'logs/provider=provider-b/day=2025-10-02/part-0.csv',
    header + 'h-2,2025-10-02T01:00:00Z,Qwen3-32B,20,2\nh-3,2025-10-02T02:00:00Z,GLM-4.6,30,3\n',
  );
  part('logs/_SUCCESS', '');

  test('a hive-partitioned folder: key=value folders become columns', async () => {
    const s = await Store.open(':memory:');
    try {
      const counts = await ingestFiles(s, [path.join(dir, 'logs')]);
      assert.deepEqual(
        counts.map((c) => c.accepted),
        [1, 2],
      );
      const rows = await s.all('SELECT request_id, provider FROM requests ORDER BY request_id');
      assert.deepEqual(rows, [
        { request_id: 'h-1', provider: 'provider-a' },
        { request_id: 'h-2', provider: 'provider-b' },
        { request_id: 'h-3', provider: 'provider-b' },
      ]);
    } finally {
      s.close();
    }
  });

  test('a glob matches files across folders; --set beats a partition value', async () => {
    const s = await Store.open(':memory:');
    try {
      const counts = await ingestFiles(s, [path.join(dir, 'logs/*/*/part-*.csv')], { set: { provider: 'gateway' } });
      assert.equal(counts.length, 2);
      const rows = await s.all<{ provider: string }>('SELECT DISTINCT provider FROM requests');
      assert.deepEqual(rows, [{ provider: 'gateway' }]);
    } finally {
      s.close();
    }
  });

  test('a glob with no match and a missing path are errors naming them', async () => {
    const s = await Store.open(':memory:');
    try {
      await assert.rejects(ingestFiles(s, [path.join(dir, 'nothing-*.csv')]), /nothing-\*\.csv: no files match/);
      await assert.rejects(ingestFiles(s, [path.join(dir, 'absent.csv')]), /absent\.csv: no such file or folder/);
    } finally {
      s.close();
    }
  });
});

describe('stray files in a folder', () => {
  const strays = path.join(fixtures, 'ingest', 'stray-files');

  test('notes.txt and README.md are skipped and named, .DS_Store silently; the data lands', async () => {
    const s = await Store.open(':memory:');
    try {
      const skipped: SkippedFile[] = [];
      const counts = await ingestFiles(s, [strays], { onSkip: (x) => skipped.push(x) });
      assert.deepEqual(
        counts.map((c) => [path.basename(c.file), c.read, c.accepted]),
        [['requests.csv', 2, 2]],
      );
      assert.deepEqual(
        skipped.map((x) => [path.basename(x.file), x.reason]),
        [
          // by its name, while the folder is walked
          ['README.md', 'not a data file (no Parquet, CSV, JSON or Arrow extension)'],
          // .txt is a CSV name, but no column is any table's
          [
            'notes.txt',
            'not a table ai-ping reads: no known column (columns: These logs come from the gateway, collected in October.)',
          ],
        ],
      );
      assert.equal((await s.one<{ n: number }>('SELECT count(*) AS n FROM ingests'))!.n, 1);
    } finally {
      s.close();
    }
  });

  test('under --kind, a stray file is one without a column of that table', async () => {
    const s = await Store.open(':memory:');
    try {
      const skipped: SkippedFile[] = [];
      const counts = await ingestFiles(s, [strays], { kind: 'requests', onSkip: (x) => skipped.push(x) });
      assert.equal(counts.length, 1);
      assert.match(skipped[1].reason, /^not a requests table: no known column/);
    } finally {
      s.close();
    }
  });

  test('a non-data file named on its own is still an error; a folder of nothing but strays too', async () => {
    const s = await Store.open(':memory:');
    try {
      await assert.rejects(ingestFiles(s, [path.join(strays, 'notes.txt')]), /notes\.txt: cannot tell which table/);
      await assert.rejects(ingestFiles(s, [path.join(strays, 'README.md')]), /README\.md: cannot tell which table/);
      const dir = tmpDir();
      writeFileSync(path.join(dir, 'notes.txt'), readFileSync(path.join(strays, 'notes.txt')));
      await assert.rejects(
        ingestFiles(s, [dir]),
        /no file holds a table ai-ping reads; first: .*notes\.txt: not a table/,
      );
    } finally {
      s.close();
    }
  });
});
