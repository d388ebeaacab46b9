/** Bad command-line usage: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input data or an unusable file/database: exit 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** The machine ran short of what a run needs (DuckDB's memory ceiling, the spill folder's disk): exit 2. */
export class ResourceError extends Error {
  override name = 'ResourceError';
}

/** A CI gate (`--fail-if`) did not hold: exit 1. */
export class GateFailure extends Error {
  override name = 'GateFailure';
}

type KnownError = UsageError | InputError | ResourceError | GateFailure;

export function isKnownError(e: unknown): e is KnownError {
  return e instanceof UsageError || e instanceof InputError || e instanceof ResourceError || e instanceof GateFailure;
}

export function exitCodeOf(e: KnownError): number {
  return e instanceof GateFailure ? 1 : 2;
}
