#!/usr/bin/env node
import { internalError, main } from '../dist/src/cli/index.js';

// An error thrown outside a command's await chain (a stray promise, an event handler) is still
// an internal error: exit 2 with one line, never Node's stack and exit 1, which reads as a failed gate.
const crash = (e) => process.exit(internalError(e));
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

// A reader that stops early (`ai-ping … | head`) has all it wanted: not an error, and no stack.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv);
