import { openExisting, Store } from '../store/db.js';

export interface InputOptions {
  /** files to load into an in-memory database instead of opening one */
  files: string[];
  db: string;
  onProgress?: (msg: string) => void;
}

/**
 * The data a reading command works on: the given files, ingested in memory, or
 * the database (read-only, and it must exist).
 */
export async function openInput(o: InputOptions): Promise<{ store: Store; source: string }> {
  if (o.files.length) {
    const store = await Store.open(':memory:');
    try {
      const { ingestFiles } = await import('../ingest/index.js');
      await ingestFiles(store, o.files, { onProgress: o.onProgress });
    } catch (e) {
      store.close();
      throw e;
    }
    return { store, source: o.files.join(', ') };
  }
  const store = await openExisting(o.db, 'ingest request logs and market data first, or pass files');
  return { store, source: o.db };
}
