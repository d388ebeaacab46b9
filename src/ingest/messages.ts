/**
 * What an ingest tells the user, in words shared by `ingest` and by the commands that read files
 * in memory (`analyze FILE`, `simulate FILE`).
 */
import path from 'node:path';
import type { FileCounts } from './index.js';
import type { SkippedFile } from './sources.js';

/** Paths below the working directory are shown relative to it. */
export function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** One line per stray file of a folder that was not read. */
export function skippedWarnings(skipped: SkippedFile[]): string[] {
  return skipped.map((s) => `${shownPath(s.file)}: skipped: ${s.reason}`);
}

/** One file's notes from its preset, then its first rejected rows. */
export function fileWarnings(f: FileCounts): string[] {
  const file = shownPath(f.file);
  return [
    ...(f.warnings ?? []).map((w) => `${file}: ${w}`),
    ...f.rejects.map((r) => `${file}: row ${r.row}: ${r.reason}`),
    ...(f.rejected > f.rejects.length ? [`${file}: … and ${f.rejected - f.rejects.length} more rejected row(s)`] : []),
  ];
}

/** For files read in memory, where no `rejects` table keeps them: each file's rejected count, then its warnings. */
export function inMemoryWarnings(skipped: SkippedFile[], files: FileCounts[]): string[] {
  return [
    ...skippedWarnings(skipped),
    ...files.flatMap((f) => [
      ...(f.rejected
        ? [
            `${shownPath(f.file)}: ${f.rejected} of ${f.read} row(s) rejected, not kept ` +
              `(read in memory; 'ai-ping ingest' keeps them in the 'rejects' table)`,
          ]
        : []),
      ...fileWarnings(f),
    ]),
  ];
}

export interface FileCountsJson {
  file: string;
  kind: FileCounts['kind'];
  read: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** A file's counts as `ingest --format json` lists them. */
export function fileCountsJson({ file, kind, read, accepted, duplicates, rejected }: FileCounts): FileCountsJson {
  return { file: shownPath(file), kind, read, accepted, duplicates, rejected };
}
