#!/usr/bin/env node
import { main } from '../dist/src/cli/index.js';

// A reader that stops early (`ai-ping … | head`) has all it wanted: not an error, and no stack.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv);
