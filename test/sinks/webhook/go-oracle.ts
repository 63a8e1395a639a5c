// The bytes kube-eventer would send, from the shared Go oracle (test/fixtures/go-template-oracle:
// real text/template, k8s.io/api v0.17.16, kube-eventer's two data changes). Needs Go; fails loudly
// without it.
import type { KubeEvent } from '../../../src/event/types.js';
import { runOracle, type OracleResult } from '../../fixtures/go-template-oracle/oracle.js';

export interface OracleCase {
  readonly id: string;
  readonly template: string;
  readonly event: KubeEvent;
  /** RFC3339 "now" for the LastTimestamp fallback. */
  readonly now: string;
}

/**
 * Renders every case with Go in time zone `tz`, with the webhook's data and its extra functions
 * (which no template kube-eventer accepts can call, so kube-eventer's output is unchanged).
 */
export async function renderWithGo(cases: readonly OracleCase[], tz: string): Promise<Map<string, Omit<OracleResult, 'id'>>> {
  const results = await runOracle(cases.map((c) => ({ ...c, kind: 'template' as const, tz, data: 'kube-eventer' as const, funcs: 'extra' as const })));
  return new Map(results.map(({ id, ...result }) => [id, result]));
}
