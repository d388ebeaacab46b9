/** Bad command-line usage: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input data or an unusable file/database: exit 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** A CI gate (`--fail-if`) did not hold: exit 1. */
export class GateFailure extends Error {
  override name = 'GateFailure';
}

export function isKnownError(e: unknown): e is UsageError | InputError | GateFailure {
  return e instanceof UsageError || e instanceof InputError || e instanceof GateFailure;
}

export function exitCodeOf(e: UsageError | InputError | GateFailure): number {
  return e instanceof GateFailure ? 1 : 2;
}
