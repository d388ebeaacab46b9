import type { FileCounts } from '../ingest/index.js';
import { inMemoryWarnings } from '../ingest/messages.js';
import type { SkippedFile } from '../ingest/sources.js';
import { openExisting, Store } from '../store/db.js';

export interface InputOptions {
  /** files to load into an in-memory database instead of opening one */
  files: string[];
  db: string;
  onProgress?: (msg: string) => void;
  /** skipped files and rejected rows of the files read in memory, where no database keeps them */
  onWarn?: (msg: string) => void;
}

export interface Input {
  store: Store;
  source: string;
  /** what each file read in memory gave; absent for a database */
  files?: FileCounts[];
}

/**
 * The data a reading command works on: the given files, ingested in memory, or
 * the database (read-only, and it must exist).
 */
export async function openInput(o: InputOptions): Promise<Input> {
  if (o.files.length) {
    const store = await Store.open(':memory:');
    try {
      const { ingestFiles } = await import('../ingest/index.js');
      const skipped: SkippedFile[] = [];
      const files = await ingestFiles(store, o.files, { onProgress: o.onProgress, onSkip: (s) => skipped.push(s) });
      for (const w of inMemoryWarnings(skipped, files)) o.onWarn?.(w);
      return { store, source: o.files.join(', '), files };
    } catch (e) {
      store.close();
      throw e;
    }
  }
  const store = await openExisting(o.db, 'ingest request logs and market data first, or pass files');
  return { store, source: o.db };
}
