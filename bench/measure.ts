/** Shared by the benchmarks: options, child-process timing with peak memory, medians. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface Measured {
  seconds: number;
  peakMb: number;
}

export function median(xs: Measured[]): Measured {
  const sorted = [...xs].sort((a, b) => a.seconds - b.seconds);
  return { seconds: sorted[Math.floor(sorted.length / 2)].seconds, peakMb: Math.max(...xs.map((x) => x.peakMb)) };
}

/** One side's result as the benchmarks print it: `label` in a column `width` wide, time and peak memory. */
export function resultLine(label: string, m: Measured, width = 20): string {
  return `  ${label.padEnd(width)} ${m.seconds.toFixed(2).padStart(8)} s   peak ${m.peakMb.toFixed(0).padStart(6)} MB`;
}

/** Runs a node child; wall time in seconds, and its peak RSS as reported by the preloaded rss.js. */
export function measure(args: string[]): Measured {
  const rssFile = path.join(os.tmpdir(), `ai-ping-rss-${process.pid}-${Date.now()}`);
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, ['--import', path.join(here, 'rss.js'), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, AI_PING_RSS_FILE: rssFile },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peakMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  rmSync(rssFile, { force: true });
  return { seconds, peakMb };
}
