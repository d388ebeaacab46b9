/**
 * The HTML report in a real browser: headless Chromium driven by playwright-core. Runs when a
 * Chromium is found (AI_PING_CHROMIUM, /usr/bin/chromium, or chromium, chromium-browser or
 * google-chrome on PATH) and is skipped otherwise, with the reason; with AI_PING_REQUIRE_BROWSER=1
 * (as `.ci/run` sets) a missing browser fails the test instead.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runCli, tmpDir } from '../helpers.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Chromium to drive: AI_PING_CHROMIUM if set, else Debian's, else the first browser named on PATH. */
function findChromium(): string | undefined {
  if (process.env.AI_PING_CHROMIUM) return process.env.AI_PING_CHROMIUM;
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [
    '/usr/bin/chromium',
    ...['chromium', 'chromium-browser', 'google-chrome'].flatMap((name) => onPath.map((dir) => path.join(dir, name))),
  ];
  return candidates.find(executable);
}

const CHROMIUM = findChromium();
const required = process.env.AI_PING_REQUIRE_BROWSER === '1';
const skip =
  CHROMIUM === undefined && !required
    ? 'no Chromium found (set AI_PING_CHROMIUM=path, or install chromium; AI_PING_REQUIRE_BROWSER=1 makes this a failure)'
    : false;

test(
  'the HTML report in headless Chromium: charts drawn, gates and lead on the first screen, no request',
  { skip },
  async () => {
    assert.ok(
      CHROMIUM !== undefined && executable(CHROMIUM),
      `AI_PING_REQUIRE_BROWSER=1 but no Chromium is usable${CHROMIUM ? ` at ${CHROMIUM}` : ''}: install chromium or set AI_PING_CHROMIUM=path`,
    );
    const dir = tmpDir();
    const db = path.join(dir, 'demo.duckdb');
    assert.equal(
      runCli(['generate', '--out', path.join(dir, 'data'), '--requests', '5000', '--format', 'json']).code,
      0,
    );
    assert.equal(runCli(['ingest', path.join(dir, 'data'), '--db', db, '--format', 'json']).code, 0);
    const file = path.join(dir, 'report.html');
    const r = runCli([
      'report',
      '--db',
      db,
      '--bootstrap',
      '0',
      '--format',
      'html',
      '--out',
      file,
      '--fail-if',
      'gini < 0.99',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const html = readFileSync(file, 'utf8');
    const url = pathToFileURL(file).href;

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const requests: string[] = [];
      page.on('request', (q) => {
        if (q.url() !== url && !q.url().startsWith('data:')) requests.push(q.url());
      });
      await page.goto(url, { waitUntil: 'load' });

      // Every chart in the file is drawn: each svg, each line and each bar with a value has a size on screen.
      // (a string: the test build has no DOM types)
      const drawn = await page.evaluate<{ svgs: number; polylines: number; bars: number }>(`(() => {
      const sized = (sel, ok) => [...document.querySelectorAll(sel)].filter((e) => ok(e.getBoundingClientRect())).length;
      return {
        svgs: sized('svg.chart', (r) => r.width > 100 && r.height > 100),
        polylines: sized('svg polyline', (r) => r.width > 0),
        bars: sized('svg rect.bar', (r) => r.width > 0 && r.height > 0),
      };
    })()`);
      assert.equal(drawn.svgs, html.match(/<svg /g)!.length);
      assert.equal(drawn.polylines, html.match(/<polyline /g)!.length);
      assert.equal(drawn.bars, html.match(/<rect class="bar" [^>]*height="(?!0")/g)!.length);
      assert.ok(drawn.svgs >= 10 && drawn.polylines >= 4 && drawn.bars >= 20, JSON.stringify(drawn));

      // The failed gate and the answer are on the first screen.
      const alert = page.locator('.alerts');
      assert.match(await alert.innerText(), /^GATE FAILED: gini < 0\.99 \(gini = 0\.\d\d\)$/);
      const lead = page.locator('ul.lead li').first();
      assert.match(await lead.innerText(), /^5,000 requests, 2025-10-\d\d \.\. 2025-12-\d\d$/);
      for (const l of [alert, lead]) {
        const box = await l.boundingBox();
        assert.ok(box && box.height > 0 && box.y + box.height < 768, 'visible without scrolling');
      }

      // Long tables are folded on screen and unfolded in print.
      const folded = page.locator('details table').first();
      assert.equal(await folded.isVisible(), false);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await folded.isVisible(), true);

      assert.deepEqual(requests, [], 'the page loads nothing');
    } finally {
      await browser.close();
    }
  },
);
