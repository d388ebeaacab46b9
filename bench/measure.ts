/** Shared by the benchmarks: options, child-process timing with peak memory, medians. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The value after `name` on the command line, if given. */
export function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

export function arg(name: string, fallback: number): number {
  const text = textArg(name);
  return text === undefined ? fallback : Number(text);
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

/**
 * What makes a node child report its peak RSS: the node arguments that preload rss.js, the environment
 * naming the file it writes at exit, and the reading of that file (MB) once the child has exited.
 */
export function rssProbe(): { nodeArgs: string[]; env: NodeJS.ProcessEnv; peakMb: () => number } {
  const rssFile = path.join(os.tmpdir(), `ai-ping-rss-${process.pid}-${Date.now()}`);
  return {
    nodeArgs: ['--import', path.join(here, 'rss.js')],
    env: { ...process.env, AI_PING_RSS_FILE: rssFile },
    peakMb: () => {
      const kb = Number(readFileSync(rssFile, 'utf8'));
      rmSync(rssFile, { force: true });
      return kb / 1024;
    },
  };
}

/** Runs a node child; wall time in seconds, and its peak RSS (rssProbe). */
export function measure(args: string[]): Measured {
  const rss = rssProbe();
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, [...rss.nodeArgs, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: rss.env });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, peakMb: rss.peakMb() };
}
