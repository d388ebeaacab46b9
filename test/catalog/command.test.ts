import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalog, catalogReport } from '../../src/commands/catalog.js';
import { Store } from '../../src/store/db.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ai-ping-catalog-'));
}

async function makeDb(path: string): Promise<void> {
  const store = await Store.open(path);
  try {
    await store.run(`INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens)
      SELECT 'r' || i, TIMESTAMP '2025-10-01' + i * INTERVAL 1 MINUTE,
             CASE WHEN i < 5 THEN 'deepseek-ai/DeepSeek-V3.2' WHEN i < 7 THEN 'acme-7b' ELSE 'deepseek-chat' END,
             'p', 10, 5
      FROM range(8) t(i)`);
    await store.run(`INSERT INTO prices (ts, provider, model, input_price, output_price)
      VALUES (TIMESTAMP '2025-10-01', 'p', 'acme-7b', 1, 2), (TIMESTAMP '2025-10-01', 'p', 'Qwen/Qwen3-32B', 1, 2)`);
    await store.run("INSERT INTO catalog (alias, model, ingest_id) VALUES ('deepseek-chat', 'DeepSeek-V3.2', 1)");
  } finally {
    store.close();
  }
}

test('with names: one row per distinct name with its resolution', async () => {
  const dir = tempDir();
  try {
    const r = await catalog({
      names: ['accounts/fireworks/models/deepseek-v3p1', 'Qwen/Qwen3-32B-FP8', 'acme-7b', 'acme-7b'],
      db: join(dir, 'none.duckdb'),
    });
    const report = catalogReport(r);
    assert.deepEqual(report.json, {
      names: [
        {
          name: 'accounts/fireworks/models/deepseek-v3p1',
          model: 'DeepSeek-V3.1',
          line: 'DeepSeek-V3',
          family: 'DeepSeek',
          releaseDate: '2025-08-21',
          variant: null,
          known: true,
          matchedBy: 'normalized',
        },
        {
          name: 'Qwen/Qwen3-32B-FP8',
          model: 'Qwen3-32B',
          line: 'Qwen-32B',
          family: 'Qwen',
          releaseDate: '2025-04-29',
          variant: 'fp8',
          known: true,
          matchedBy: 'normalized',
        },
        {
          name: 'acme-7b',
          model: 'acme-7b',
          line: 'acme-7b',
          family: 'acme-7b',
          releaseDate: null,
          variant: null,
          known: false,
          matchedBy: 'unknown',
        },
      ],
      unknown: ['acme-7b'],
    });
    assert.equal(report.sections.length, 1);
    assert.deepEqual(report.sections[0].columns, [
      'name',
      'model',
      'line',
      'family',
      'release date',
      'variant',
      'matched by',
    ]);
    assert.equal(existsSync(join(dir, 'none.duckdb')), false, 'a missing database is never created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without names and without a database: a note and the built-in catalog', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'missing.duckdb');
    const r = await catalog({ names: [], db: path });
    assert.equal(existsSync(path), false);
    assert.equal(r.source, 'none');
    assert.ok(r.notes.some((n) => n.includes(`no database at ${path}`)));
    assert.ok(r.models && r.models.some((m) => m.model === 'DeepSeek-V3.2' && m.line === 'DeepSeek-V3'));
    const report = catalogReport(r);
    assert.deepEqual(
      report.sections.map((s) => s.title),
      ['Catalog'],
    );
    assert.deepEqual((report.json as { names: unknown[] }).names, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without names: every model name in the database, unknown first, with row counts and database catalog rows applied', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'db.duckdb');
    await makeDb(path);
    const r = await catalog({ names: [], db: path });
    assert.equal(r.source, 'database');
    assert.deepEqual(
      r.names.map((n) => [n.name, n.model, n.rows, n.matchedBy]),
      [
        ['acme-7b', 'acme-7b', 3, 'unknown'],
        ['deepseek-ai/DeepSeek-V3.2', 'DeepSeek-V3.2', 5, 'normalized'],
        ['Qwen/Qwen3-32B', 'Qwen3-32B', 1, 'normalized'],
        ['deepseek-chat', 'DeepSeek-V3.2', 1, 'user'],
      ],
    );
    assert.deepEqual(r.unknown, ['acme-7b']);
    assert.equal(r.models, undefined);
    assert.deepEqual(r.userRows, { database: 1, file: 0 });
    const report = catalogReport(r);
    assert.equal(report.sections[0].columns.at(-1), 'rows');
    // Read-only: a writer can open the database right after.
    (await Store.open(path)).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--all lists the catalog next to the database names', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'db.duckdb');
    await makeDb(path);
    const r = await catalog({ names: [], db: path, all: true });
    assert.ok(r.models?.length);
    assert.deepEqual(
      catalogReport(r).sections.map((s) => s.title),
      [`Model names in ${path}`, 'Catalog'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--catalog FILE overrides the database catalog rows', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'db.duckdb');
    await makeDb(path);
    const file = join(dir, 'catalog.csv');
    writeFileSync(
      file,
      'alias,model,family,line,release_date\n' +
        'deepseek-chat,DeepSeek-V3.1,,,\n' +
        'acme-7b,Acme-7B,Acme,Acme,2025-06-01\n',
    );
    const r = await catalog({ names: ['deepseek-chat', 'acme-7b'], db: path, catalog: file });
    assert.deepEqual(
      r.names.map((n) => [n.name, n.model, n.family, n.line, n.releaseDate, n.matchedBy]),
      [
        ['deepseek-chat', 'DeepSeek-V3.1', 'DeepSeek', 'DeepSeek-V3', '2025-08-21', 'user'],
        ['acme-7b', 'Acme-7B', 'Acme', 'Acme', '2025-06-01', 'user'],
      ],
    );
    assert.deepEqual(r.userRows, { database: 1, file: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
