/**
 * Start-up benchmark: `ai-ping --help` against a bare `node -e 0`, median of
 * 15 runs each. Target: at most 3x.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/ai-ping.js');

function medianMs(args: string[], runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const bare = medianMs(['-e', '0']);
const help = medianMs([cli, '--help']);
console.log('start-up benchmark: median of 15 runs');
console.log(`  node -e 0          ${bare.toFixed(0).padStart(6)} ms`);
console.log(`  ai-ping --help     ${help.toFixed(0).padStart(6)} ms`);
console.log(`  ratio ${(help / bare).toFixed(2)}x (target <= 3x)`);
