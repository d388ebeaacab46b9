/**
 * The progress line of a long command, in named stages, each from 0 to 100%:
 * `simulate: segments 40% · 12 s`. Commands report stages as messages
 * (`simulate: segments`, optionally ending in ` N%`); the percent comes from the
 * running statement's estimate (DuckDB's), polled while the stage runs, never
 * going back within a stage, and a stage that ends says 100%. The seconds show
 * that a stage is alive where the estimate says little (a single statement whose
 * estimate stays low until it ends).
 */

export interface StageProgressOptions {
  /** writes one progress line (the CLI's updating stderr line) */
  emit: (line: string) => void;
  /** the running statement's estimate, 0..100, or < 0 when none runs */
  estimate?: () => number;
  /** poll the estimate this often, ms */
  every?: number;
  now?: () => number;
}

/** `simulate: segments 40%`, with the seconds from the second on. */
export function progressLine(stage: string, pct: number, seconds: number): string {
  const whole = Math.floor(Math.min(100, Math.max(0, pct)));
  return `${stage} ${whole}%${seconds >= 2 ? ` · ${Math.floor(seconds)} s` : ''}`;
}

/** A message's stage and percent: `simulate: replay 42%` is stage `simulate: replay` at 42%. */
export function parseProgress(msg: string): { stage: string; pct: number | null } {
  const m = /^(.*\S)\s+(\d+(?:\.\d+)?)%$/s.exec(msg);
  return m ? { stage: m[1], pct: Number(m[2]) } : { stage: msg, pct: null };
}

export class StageProgress {
  private stage: string | null = null;
  private pct = 0;
  private started = 0;
  private shown = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: StageProgressOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private show(): void {
    if (this.stage === null) return;
    const line = progressLine(this.stage, this.pct, (this.now() - this.started) / 1000);
    if (line !== this.shown) this.o.emit(line);
    this.shown = line;
  }

  /** Takes a command's progress message: a new stage starts at 0%, a percent moves the stage on. */
  message = (msg: string): void => {
    const { stage, pct } = parseProgress(msg);
    if (stage !== this.stage) {
      this.finish();
      this.stage = stage;
      this.pct = 0;
      this.started = this.now();
      this.shown = '';
      if (this.o.estimate && !this.timer) {
        this.timer = setInterval(() => this.poll(), this.o.every ?? 500);
        this.timer.unref();
      }
    }
    if (pct !== null) this.pct = Math.max(this.pct, pct);
    this.show();
  };

  /** Reads the running statement's estimate. */
  poll(): void {
    const pct = this.o.estimate?.() ?? -1;
    if (pct >= 0) this.pct = Math.max(this.pct, pct);
    this.show();
  }

  /** The current stage at 100%. */
  private finish(): void {
    if (this.stage === null) return;
    this.pct = 100;
    this.show();
  }

  /** The last stage at 100%; no more polling. */
  done(): void {
    this.finish();
    this.stop();
  }

  /** No more polling and no more lines (a failed run: its stage did not reach 100%). */
  stop(): void {
    this.stage = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
