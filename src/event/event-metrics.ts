import { Counter, type Registry } from 'prom-client';
import type { KubeEvent } from './types.js';

const DIRECT: Readonly<Record<string, string>> = {
  Evicted: 'PodEvict',
  OOMKilling: 'PodOOM',
  PodOOMKilling: 'PodOOM',
  FailedMount: 'VolumeFailMount',
  FailedAttachVolume: 'VolumeFailMount',
  SystemOOM: 'NodeOOM',
  Rebooted: 'NodeRebooted',
  NodeHasDiskPressure: 'NodeDiskPressure',
  DockerHung: 'NodeDockerHung',
  PSProcessIsHung: 'NodePSHung',
  NodeHasNvidiaXidError: 'NodeGPUXIPError',
  NodeHasFDPressure: 'NodeFDPressure',
  PIDPressure: 'NodeFDPressure',
  NodeHasPIDPressure: 'NodeFDPressure',
  NTPIsDown: 'NodeNPTDown',
  ConntrackFull: 'ConnTrackFull',
  SyncLoadBalancerFailed: 'CcmSLBSyncFail',
  DeleteLoadBalancerFailed: 'CcmSLBDeleteFail',
  CreateRouteFailed: 'CcmCreateRouteFail',
  // kube-eventer's keys carry these typos; the correct spellings are matched too.
  SYncRouteFailed: 'CcmSyncRouteFail',
  SyncRouteFailed: 'CcmSyncRouteFail',
  AddNodeFailed: 'CcmAddNodeFail',
  DeteleNodeFailed: 'CcmDeleteNodeFail',
  DeleteNodeFailed: 'CcmDeleteNodeFail',
  UnAvailableLoadBalancer: 'CcmSLBUnavailable',
  AnnotationChanged: 'CcmSLBAnnotationChanged',
  ServiceSpecChanged: 'CcmSLBSpecChanged',
  SlowIO: 'CSISlowIO',
  DeviceBusy: 'CSIDeviceBusy',
  IOHang: 'CSIIOHang',
  AllocIPFailed: 'CNIAllocIPFail',
  ParseFailed: 'CNIParseFail',
  DisposeResourceFailed: 'CNIDisposeResourceFail',
};

/** kube-eventer's triage of an event into an error category (its table, above; docs/metrics.md), or undefined. */
export function triage(e: KubeEvent): string | undefined {
  const reason = e.reason ?? '';
  const direct = DIRECT[reason];
  if (direct !== undefined) return direct;
  const msg = e.message ?? '';
  const kind = e.involvedObject.kind ?? '';
  switch (reason) {
    case 'Failed': {
      const pull = msg.includes('ImagePullBackOff') || msg.includes('ErrImagePull');
      if (kind === 'Pod' && !pull && !msg.includes('Failed to pull image')) return 'PodFailStart';
      return pull ? 'PodImagePullBackOff' : undefined;
    }
    case 'BackOff':
      if (msg.includes('Back-off restarting failed container')) return 'PodCrash';
      return msg.includes('Back-off pulling image') ? 'PodImagePullBackOff' : undefined;
    case 'FailedCreate':
      return msg.includes('exceeded quota') ? 'FailCreatePodExceedQuota' : undefined;
    case 'FailedScheduling':
      return msg.includes('Insufficient') ? 'ResourceInsufficient' : 'PodFailScheduling';
    case 'ProvisioningFailed':
      return msg.includes('disk size is not supported') ? 'DiskProvisionFailSize' : 'DiskProvisionFail';
    case 'FailedBinding':
      return msg.includes('no storage class is set') ? 'FailedBindingNoStorageClass' : undefined;
    case 'NodeNotReady':
      if (kind !== 'Node') return undefined;
      return msg.includes('PLEG is not healthy') ? 'NodePLEGUnhealthy' : 'NodeNotReady';
    case 'AllocResourceFailed':
      return msg.includes('IpNotEnough') ? 'ClusterIPNotEnough' : 'CNIAllocResourceFail';
    case 'ResourceInvalid':
      return msg.includes('IpNotEnough') ? 'ClusterIPNotEnough' : 'CNIResourceInvalid';
    default:
      return undefined;
  }
}

/** Label sets per counter kept exactly as they are. */
export const MAX_SERIES_PER_COUNTER = 2000;
/** Label sets with some values collapsed, allowed past MAX_SERIES_PER_COUNTER; then everything is `_other_`. */
export const MAX_COLLAPSED_SERIES_PER_COUNTER = 100;
/** What a collapsed label value becomes (not a valid Kubernetes name, so it never meets a real one). */
export const OTHER = '_other_';

/**
 * Keeps one counter's label sets bounded: the first MAX_SERIES_PER_COUNTER are kept as they are; a new
 * set past that has its most specific labels replaced by `_other_`, one more at a time (in `collapseOrder`),
 * until it matches a set already counted or fits the collapsed allowance; the last resort is every label
 * `_other_`. So a counter never holds more than MAX_SERIES + MAX_COLLAPSED + 1 series.
 */
class BoundedSeries<L extends string> {
  private readonly seen = new Set<string>();
  private collapsed = 0;

  constructor(
    readonly counter: Counter<L>,
    private readonly collapseOrder: readonly L[],
  ) {}

  inc(labels: Record<L, string>): void {
    this.counter.inc(this.admit(labels));
  }

  private admit(labels: Record<L, string>): Record<L, string> {
    const key = (l: Record<L, string>) => this.collapseOrder.map((name) => l[name]).join('\0');
    let current = labels;
    if (this.seen.has(key(current))) return current;
    if (this.seen.size < MAX_SERIES_PER_COUNTER) {
      this.seen.add(key(current));
      return current;
    }
    for (const name of this.collapseOrder) {
      current = { ...current, [name]: OTHER };
      const k = key(current);
      if (this.seen.has(k)) return current;
      const last = this.collapseOrder.every((n) => current[n] === OTHER);
      if (last || this.collapsed < MAX_COLLAPSED_SERIES_PER_COUNTER) {
        this.seen.add(k);
        if (!last) this.collapsed++;
        return current;
      }
    }
    return current;
  }
}

/**
 * kube-eventer's per-event counters (`--event-metrics`), with its label names. Unlike the
 * original, the number of label sets of each is bounded (BoundedSeries), so a busy cluster cannot
 * exhaust memory or the scrape.
 */
export class EventMetrics {
  private readonly error: BoundedSeries<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly warning: BoundedSeries<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly normal: BoundedSeries<'reason' | 'namespace' | 'kind'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const order = ['name', 'namespace', 'kind', 'reason'] as const;
    this.error = new BoundedSeries(new Counter({ name: 'eventer_events_error_total', help: 'Events triaged into an error category', labelNames: ['reason', 'kind', 'name', 'namespace'], registers }), order);
    this.warning = new BoundedSeries(new Counter({ name: 'eventer_events_warning_total', help: 'Warning events not triaged as errors', labelNames: ['reason', 'kind', 'name', 'namespace'], registers }), order);
    this.normal = new BoundedSeries(new Counter({ name: 'eventer_events_normal_total', help: 'Events that are neither errors nor warnings', labelNames: ['reason', 'namespace', 'kind'], registers }), ['namespace', 'kind', 'reason']);
  }

  record(e: KubeEvent): void {
    const obj = e.involvedObject;
    const category = triage(e);
    if (category !== undefined || e.type === 'Warning') {
      const series = category !== undefined ? this.error : this.warning;
      series.inc({ reason: category ?? e.reason ?? '', kind: obj.kind ?? '', name: obj.name ?? '', namespace: obj.namespace ?? '' });
      return;
    }
    this.normal.inc({ reason: e.reason ?? '', namespace: e.metadata.namespace ?? '', kind: obj.kind ?? '' });
  }
}
