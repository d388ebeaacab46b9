/** Preloaded into a benchmarked process: writes its peak RSS (KiB) to $AI_PING_RSS_FILE at exit. */
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.AI_PING_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
