/**
 * The repository's Markdown stands on its own: every relative link of every Markdown file
 * (README, docs/, data/, fixtures/, examples/) points to a path inside the repository that exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root } from './helpers.js';

const SKIP = new Set(['node_modules', 'dist', '.git']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : markdownFiles(p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

/** Relative link targets of a Markdown text (inline links and images), without their #fragment. */
function relativeLinks(text: string): string[] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1].replace(/^<|>$/g, ''))
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => decodeURIComponent(t.split('#')[0]));
}

test('link extraction: relative targets only, fragments dropped, code ignored', () => {
  assert.deepEqual(
    relativeLinks(
      '[a](docs/x.md#y) [b](https://e.org) [c](#top) `[d](no.md)` ![e](img/a%20b.png "t")\n```\n[f](no.md)\n```',
    ),
    ['docs/x.md', 'img/a b.png'],
  );
});

test("every relative link in the repository's Markdown points to a file or folder inside it", () => {
  const files = markdownFiles(root);
  assert.ok(
    files.some((f) => f === path.join(root, 'README.md')) && files.some((f) => f.startsWith(path.join(root, 'docs'))),
  );
  const broken: string[] = [];
  for (const file of files) {
    for (const target of relativeLinks(readFileSync(file, 'utf8'))) {
      const resolved = path.resolve(path.dirname(file), target);
      const inside = resolved === root || resolved.startsWith(root + path.sep);
      if (!inside || !existsSync(resolved)) broken.push(`${path.relative(root, file)}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
