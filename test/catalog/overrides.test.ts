import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog, catalogModels, resolveName, resolveNames } from '../../src/catalog/index.js';
import { InputError } from '../../src/errors.js';

test('a user row overrides a built-in alias, and only that resolution', () => {
  const cat = buildCatalog([{ alias: 'kimi-k2-0711-preview', model: 'Kimi-K2-Instruct-0905' }]);
  const r = resolveName('kimi-k2-0711-preview', cat);
  assert.deepEqual(
    [r.model, r.line, r.releaseDate, r.matchedBy],
    ['Kimi-K2-Instruct-0905', 'Kimi-K2', '2025-09-05', 'user'],
  );
  // The other spellings of Kimi-K2-Instruct are untouched.
  assert.equal(resolveName('K2-0711', cat).model, 'Kimi-K2-Instruct');
  assert.equal(resolveName('moonshotai/Kimi-K2-Instruct', cat).model, 'Kimi-K2-Instruct');
});

test('a user row for a built-in model name replaces its resolution, spellings and variants included', () => {
  const cat = buildCatalog([{ alias: 'DeepSeek-V3.2', model: 'DeepSeek-V3.2-Exp' }]);
  assert.equal(resolveName('DeepSeek-V3.2', cat).model, 'DeepSeek-V3.2-Exp');
  assert.equal(resolveName('deepseek-ai/DeepSeek-V3.2', cat).model, 'DeepSeek-V3.2-Exp');
  const fp8 = resolveName('deepseek-ai/DeepSeek-V3.2-FP8', cat);
  assert.deepEqual([fp8.model, fp8.variant, fp8.matchedBy], ['DeepSeek-V3.2-Exp', 'fp8', 'user']);
  assert.equal(resolveName('DeepSeek-V3.1', cat).model, 'DeepSeek-V3.1');
});

test('a user alias carrying a variant suffix does not capture the base model', () => {
  const cat = buildCatalog([{ alias: 'Qwen/Qwen3-32B-FP8', model: 'Acme-Qwen3-32B-FP8', family: 'Acme' }]);
  assert.equal(resolveName('Qwen/Qwen3-32B-FP8', cat).model, 'Acme-Qwen3-32B-FP8');
  assert.equal(resolveName('qwen3-32b-fp8', cat).model, 'Acme-Qwen3-32B-FP8');
  assert.equal(resolveName('Qwen/Qwen3-32B', cat).model, 'Qwen3-32B');
});

test('a user row adds a new name; empty fields make it its own family and line', () => {
  const cat = buildCatalog([
    { alias: 'acme/acme-llm-v2', model: 'Acme-LLM-2', family: 'Acme', line: 'Acme-LLM', release_date: '2025-10-01' },
    { alias: 'solo-7b', model: 'Solo-7B' },
  ]);
  const acme = resolveName('acme/acme-llm-v2', cat);
  assert.deepEqual(
    {
      model: acme.model,
      family: acme.family,
      line: acme.line,
      releaseDate: acme.releaseDate,
      known: acme.known,
      matchedBy: acme.matchedBy,
    },
    {
      model: 'Acme-LLM-2',
      family: 'Acme',
      line: 'Acme-LLM',
      releaseDate: '2025-10-01',
      known: true,
      matchedBy: 'user',
    },
  );
  // The new model's own name resolves as well.
  assert.equal(resolveName('Acme-LLM-2', cat).family, 'Acme');
  const solo = resolveName('solo-7b', cat);
  assert.deepEqual([solo.model, solo.family, solo.line, solo.releaseDate], ['Solo-7B', 'Solo-7B', 'Solo-7B', null]);
});

test('a user row for a built-in model inherits family, line and release date it leaves empty', () => {
  const cat = buildCatalog([
    { alias: 'our-ds', model: 'DeepSeek-V3.1', family: null, line: '', release_date: null },
    { alias: 'our-qwen', model: 'qwen3-32b' },
  ]);
  const ds = resolveName('our-ds', cat);
  assert.deepEqual(
    [ds.model, ds.family, ds.line, ds.releaseDate],
    ['DeepSeek-V3.1', 'DeepSeek', 'DeepSeek-V3', '2025-08-21'],
  );
  // A model spelled differently from the built-in name is still the built-in model.
  const q = resolveName('our-qwen', cat);
  assert.deepEqual([q.model, q.line, q.releaseDate], ['Qwen3-32B', 'Qwen-32B', '2025-04-29']);
});

test('fields a user row gives apply to the model, so every alias agrees', () => {
  const cat = buildCatalog([
    { alias: 'DeepSeek-V3.1', model: 'DeepSeek-V3.1', release_date: new Date(Date.UTC(2025, 7, 20)) },
  ]);
  assert.equal(resolveName('accounts/fireworks/models/deepseek-v3p1', cat).releaseDate, '2025-08-20');
  assert.equal(resolveName('DeepSeek-V3.1', cat).line, 'DeepSeek-V3');
});

test('later rows win (database rows, then the --catalog file)', () => {
  const cat = buildCatalog([
    { alias: 'deepseek-chat', model: 'DeepSeek-V3.1' },
    { alias: 'DeepSeek-Chat', model: 'DeepSeek-V3.2' },
  ]);
  assert.equal(resolveName('deepseek-chat', cat).model, 'DeepSeek-V3.2');
});

test('an explicit alias maps a time-varying name without guessing for anyone else', () => {
  assert.equal(resolveName('deepseek-chat', buildCatalog([])).known, false);
  const cat = buildCatalog([{ alias: 'deepseek-chat', model: 'DeepSeek-V3.2' }]);
  assert.equal(resolveName('deepseek/deepseek-chat', cat).model, 'DeepSeek-V3.2');
  assert.equal(resolveName('deepseek-reasoner', cat).known, false);
});

test('a malformed release date is an input error naming the alias', () => {
  for (const bad of ['10/01/2025', '2025-02-30', '2025-13-01']) {
    assert.throws(
      () => buildCatalog([{ alias: 'x', model: 'X', release_date: bad }]),
      (e: unknown) => e instanceof InputError && e.message.includes("'x'") && e.message.includes(bad),
    );
  }
  assert.equal(
    buildCatalog([{ alias: 'x', model: 'X', release_date: '2025-10-01T00:00:00' }]).models.get('X')?.releaseDate,
    '2025-10-01',
  );
});

test('resolveNames returns one row per distinct name, in first-seen order', () => {
  const rows = resolveNames(['b-model', 'Qwen/Qwen3-32B', 'b-model', 'qwen3-32b'], buildCatalog([]));
  assert.deepEqual(
    rows.map((r) => [r.name, r.model]),
    [
      ['b-model', 'b-model'],
      ['Qwen/Qwen3-32B', 'Qwen3-32B'],
      ['qwen3-32b', 'Qwen3-32B'],
    ],
  );
});

test('catalogModels lists user models and user aliases', () => {
  const models = catalogModels(
    buildCatalog([
      { alias: 'acme-1', model: 'Acme-1', family: 'Acme' },
      { alias: 'v31', model: 'DeepSeek-V3.1' },
    ]),
  );
  const acme = models.find((m) => m.model === 'Acme-1');
  assert.deepEqual(acme, {
    model: 'Acme-1',
    family: 'Acme',
    line: 'Acme-1',
    releaseDate: null,
    aliases: ['acme-1'],
    source: 'user',
  });
  assert.ok(models.find((m) => m.model === 'DeepSeek-V3.1')?.aliases.includes('v31'));
  const i = models.findIndex((m) => m.model === 'DeepSeek-V3');
  assert.equal(models[i + 1].model, 'DeepSeek-V3-0324');
});
