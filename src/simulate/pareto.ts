import type { PolicyResult } from './results.js';

/**
 * The policies no other policy beats on both cost and throughput at once (lower
 * or equal cost and higher or equal average TPS, one of them strictly), in the
 * order given. Policies without both figures are left out.
 */
export function paretoFront(policies: PolicyResult[]): string[] {
  const scored = policies.filter((p) => p.requests > 0 && p.policyThroughput !== null);
  return scored
    .filter(
      (p) =>
        !scored.some(
          (q) =>
            q !== p &&
            q.policyCost <= p.policyCost &&
            q.policyThroughput! >= p.policyThroughput! &&
            (q.policyCost < p.policyCost || q.policyThroughput! > p.policyThroughput!),
        ),
    )
    .map((p) => p.policy);
}
