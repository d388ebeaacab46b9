/**
 * Routing policies, parsed once from `--policy` into what the replay needs to know of each:
 * what it ranks providers by, and which extra inputs it needs (the requests' time order, a
 * hash, a whole-period pass, the tasks' objectives). Pure: no store, no SQL.
 */
import { UsageError } from '../errors.js';

/** What the single-objective policies minimise or maximise; task-aware picks one per task. */
export const OBJECTIVES = ['cost', 'throughput', 'latency', 'ttft'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** Every policy that takes no argument, in the order `--policy all` runs them. */
export const POLICY_NAMES = [
  'cost',
  'throughput',
  'latency',
  'ttft',
  'balanced',
  'sla',
  'round-robin',
  'random',
  'static-best',
  'task-aware',
  'cost-sticky',
] as const;

export type PolicyKind = (typeof POLICY_NAMES)[number] | 'fixed';

export interface Policy {
  /** as given and as results name it: `cost`, `fixed:groq` */
  readonly name: string;
  readonly kind: PolicyKind;
  /** the single objective it ranks by (cost, throughput, latency, ttft) */
  readonly objective?: Objective;
  /** fixed: the provider every request goes to */
  readonly provider?: string;
  /** has a choice for every request with a feasible provider (all but fixed and static-best) */
  readonly alwaysChooses: boolean;
  /** needs each model's requests in time order (round-robin) */
  readonly needsOrder: boolean;
  /** needs a seeded hash of each request (random) */
  readonly needsHash: boolean;
  /** needs a pass over the whole period before the replay (static-best) */
  readonly needsStaticPass: boolean;
  /** decides by each task's objective (task-aware) */
  readonly needsTaskObjectives: boolean;
  /** chooses one provider per cache chain (cost-sticky) */
  readonly perChain: boolean;
}

/** For --help and error messages. */
export const POLICY_HELP = `${POLICY_NAMES.join(', ')}, fixed:PROVIDER, or 'all' (every one but fixed)`;

export function parsePolicy(name: string): Policy {
  const fixed = /^fixed:(.+)$/.exec(name);
  const kind = fixed ? 'fixed' : (POLICY_NAMES as readonly string[]).includes(name) ? (name as PolicyKind) : undefined;
  if (!kind) throw new UsageError(`unknown policy '${name}'; use ${POLICY_HELP}`);
  const objective = (OBJECTIVES as readonly string[]).includes(kind) ? (kind as Objective) : undefined;
  return {
    name,
    kind,
    ...(objective ? { objective } : {}),
    ...(fixed ? { provider: fixed[1] } : {}),
    // fixed, static-best and cost-sticky may have no feasible provider for a request that others have
    alwaysChooses: kind !== 'fixed' && kind !== 'static-best' && kind !== 'cost-sticky',
    needsOrder: kind === 'round-robin',
    needsHash: kind === 'random',
    needsStaticPass: kind === 'static-best',
    needsTaskObjectives: kind === 'task-aware',
    perChain: kind === 'cost-sticky',
  };
}

/** `cost,throughput`, `all` or `all,fixed:groq` (names or one comma-separated text) into policies, each once. */
export function parsePolicies(list: string | readonly string[]): Policy[] {
  const names = (typeof list === 'string' ? list.split(',') : list).map((p) => p.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--policy needs at least one policy: ${POLICY_HELP}`);
  const expanded = names.flatMap((n) => (n === 'all' ? [...POLICY_NAMES] : [n]));
  const repeated = names.find((n, i) => n !== 'all' && names.indexOf(n) !== i);
  if (repeated) throw new UsageError(`--policy lists '${repeated}' twice`);
  return [...new Set(expanded)].map(parsePolicy);
}
