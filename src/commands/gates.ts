/**
 * CI gates: `--fail-if 'savingsPct < 10'`. Expressions are parsed (a figure, a
 * comparison, a number), never evaluated as code.
 */
import { UsageError } from '../errors.js';

export const GATE_FIGURES = {
  savingsPct: 'savings of the first policy vs the baseline, percent',
  throughputGainPct: 'average throughput gain of the first policy, percent',
  failureRate: 'expected failure rate of the first policy, percent',
  stalePriceDays: 'days from the latest price snapshot to the last request',
  unknownModels: 'model names the catalog does not know',
  rejectedRows: 'rows rejected at ingest, on record',
  inertiaIndex: 'share of demand on superseded model versions, percent',
  top1Share: "the largest family's share of demand, percent",
  gini: 'Gini coefficient of demand over families, 0..1',
  billingDeltaPct:
    'how far list costs are from the bills, either way: |(list − billed) / billed| × 100 over the requests compared',
} as const;

export type GateFigure = keyof typeof GATE_FIGURES;

type Op = '<=' | '>=' | '==' | '!=' | '<' | '>';

export interface Gate {
  expr: string;
  figure: GateFigure;
  op: Op;
  value: number;
}

export interface GateOutcome extends Gate {
  actual: number | null;
  /** the condition holds: the gate fails the run */
  failed: boolean;
}

export function parseGate(expr: string): Gate {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expr);
  if (!m) throw new UsageError(`--fail-if '${expr}': expected FIGURE OP NUMBER, e.g. 'savingsPct < 10'`);
  const [, figure, op, value] = m;
  if (!(figure in GATE_FIGURES)) {
    throw new UsageError(
      `--fail-if '${expr}': unknown figure '${figure}'; known: ${Object.keys(GATE_FIGURES).join(', ')}`,
    );
  }
  return { expr: expr.trim(), figure: figure as GateFigure, op: op as Op, value: Number(value) };
}

function holds(actual: number, op: Op, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

/** A figure that could not be computed (no data) fails its gate: a CI job should notice. */
export function evaluateGates(gates: Gate[], figures: Record<GateFigure, number | null>): GateOutcome[] {
  return gates.map((g) => {
    const actual = figures[g.figure];
    return { ...g, actual, failed: actual === null || holds(actual, g.op, g.value) };
  });
}
