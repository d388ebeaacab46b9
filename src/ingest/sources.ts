import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

export type FileFormat = 'parquet' | 'csv' | 'json' | 'arrow';

export interface SourceFile {
  path: string;
  format: FileFormat;
  /** Partition columns from `key=value` folders below the folder argument. */
  partitions: Record<string, string>;
  /** Found by walking a folder argument, not named: a stray file in it is skipped, not an error. */
  inFolder?: boolean;
}

/** A file of a folder argument that is not read, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

const EXTENSIONS: Record<string, FileFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.jsonl': 'json',
  '.ndjson': 'json',
  '.json': 'json',
  '.arrow': 'arrow',
  '.ipc': 'arrow',
  '.feather': 'arrow',
  '.arrows': 'arrow',
};

function hasGlob(p: string): boolean {
  return /[*?[{]/.test(p);
}

/** The format named by a file's extension (after any .gz), or undefined. */
export function formatFromName(file: string): FileFormat | undefined {
  const base = file.toLowerCase().replace(/\.gz$/, '');
  return EXTENSIONS[path.extname(base)];
}

function head(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Recognises a file by its first bytes when the name says nothing. */
export function sniffFormat(file: string): FileFormat | undefined {
  let bytes = head(file, 4096);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: a truncated stream is fine */ });
    } catch {
      return undefined;
    }
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (bytes.subarray(0, 6).toString('latin1') === 'ARROW1') return 'arrow';
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0xffffffff) return 'arrow';
  const text = bytes.toString('utf8').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'json';
  if (text.length > 0 && !text.includes('\u0000')) return 'csv';
  return undefined;
}

function detect(file: string): FileFormat {
  const f = formatFromName(file) ?? sniffFormat(file);
  if (!f) {
    throw new InputError(
      `${file}: unknown file format; expected Parquet, CSV, JSONL/NDJSON, JSON, Arrow IPC (optionally .gz)`,
    );
  }
  return f;
}

const NOT_DATA_BY_NAME = 'not a data file (no Parquet, CSV, JSON or Arrow extension)';

/** The data files below `dir`, by name; other visible files go to `skipped`. */
function walk(dir: string, skipped: SkippedFile[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // _SUCCESS, .crc and hidden files (.DS_Store) sit beside data by convention: skipped without a word
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, skipped));
    else if (entry.isFile() && formatFromName(full)) out.push(full);
    else if (entry.isFile()) skipped.push({ file: path.resolve(full), reason: NOT_DATA_BY_NAME });
  }
  return out;
}

/** `key=value` folder names between root and the file become partition columns. */
export function hivePartitions(root: string, file: string): Record<string, string> {
  const parts: Record<string, string> = {};
  const rel = path.relative(root, path.dirname(file));
  if (!rel || rel.startsWith('..')) return parts;
  for (const seg of rel.split(path.sep)) {
    const m = /^([^=]+)=(.*)$/.exec(seg);
    if (m) parts[m[1]] = decodeURIComponent(m[2]);
  }
  return parts;
}

/**
 * Expands file arguments: plain files, folders (recursively, hive `key=value`
 * folders become columns) and globs. `glob` expands a pattern to paths.
 */
export async function expandSources(
  args: string[],
  glob: (pattern: string) => Promise<string[]>,
  /** told about each file of a folder argument that is not a data file by its name */
  onSkip?: (skipped: SkippedFile) => void,
): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const seen = new Set<string>();
  const told = new Set<string>();
  const add = (file: string, root?: string) => {
    const abs = path.resolve(file);
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({
      path: abs,
      format: detect(abs),
      partitions: root ? hivePartitions(root, abs) : {},
      ...(root ? { inFolder: true } : {}),
    });
  };
  for (const arg of args) {
    let st;
    try {
      st = statSync(arg);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      const skipped: SkippedFile[] = [];
      const files = walk(arg, skipped);
      if (files.length === 0) throw new InputError(`${arg}: folder holds no Parquet, CSV, JSON or Arrow files`);
      for (const s of skipped.filter((x) => !told.has(x.file))) {
        told.add(s.file);
        onSkip?.(s);
      }
      for (const f of files) add(f, path.resolve(arg));
    } else if (st?.isFile()) {
      add(arg);
    } else if (hasGlob(arg)) {
      const files = (await glob(path.resolve(arg))).sort();
      if (files.length === 0) throw new InputError(`${arg}: no files match`);
      for (const f of files) add(f);
    } else {
      throw new InputError(`${arg}: no such file or folder`);
    }
  }
  return out;
}
