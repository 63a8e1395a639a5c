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

/** kube-eventer's triage of an event into an error category (its §8.2 table), or undefined. */
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

/** Above this many label sets per counter, new objects are counted under name="_other_". */
export const MAX_SERIES_PER_COUNTER = 5000;

/** One label set of a counter, counted as a plain number until the next scrape. */
interface Series {
  readonly labels: Record<string, string>;
  pending: number;
}

/**
 * kube-eventer's per-event counters (`--event-metrics`), with its label names. Unlike the
 * original, the number of label sets is bounded so a busy cluster cannot exhaust memory. Each
 * label set is resolved once: an event adds 1 to a number, and prom-client is told when scraped.
 */
export class EventMetrics {
  private readonly error: Counter<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly warning: Counter<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly normal: Counter<'reason' | 'namespace' | 'kind'>;
  private readonly series = new Map<Counter<string>, Map<string, Series>>();

  constructor(registry: Registry) {
    const registers = [registry];
    const self = this;
    const collect = function (this: Counter<string>) {
      self.flush(this);
    };
    this.error = new Counter({ name: 'eventer_events_error_total', help: 'Events triaged into an error category', labelNames: ['reason', 'kind', 'name', 'namespace'], registers, collect });
    this.warning = new Counter({ name: 'eventer_events_warning_total', help: 'Warning events not triaged as errors', labelNames: ['reason', 'kind', 'name', 'namespace'], registers, collect });
    this.normal = new Counter({ name: 'eventer_events_normal_total', help: 'Events that are neither errors nor warnings', labelNames: ['reason', 'namespace', 'kind'], registers, collect });
    for (const counter of [this.error, this.warning, this.normal]) this.series.set(counter, new Map());
  }

  record(e: KubeEvent): void {
    const obj = e.involvedObject;
    const category = triage(e);
    if (category !== undefined || e.type === 'Warning') {
      const counter = category !== undefined ? this.error : this.warning;
      const reason = category ?? e.reason ?? '';
      const kind = obj.kind ?? '';
      const name = obj.name ?? '';
      const namespace = obj.namespace ?? '';
      const known = this.series.get(counter)!;
      const series =
        known.get(`${reason}\0${kind}\0${name}\0${namespace}`) ??
        (known.size < MAX_SERIES_PER_COUNTER
          ? this.add(counter, `${reason}\0${kind}\0${name}\0${namespace}`, { reason, kind, name, namespace })
          : (known.get(`${reason}\0${kind}\0_other_\0${namespace}`) ?? this.add(counter, `${reason}\0${kind}\0_other_\0${namespace}`, { reason, kind, name: '_other_', namespace })));
      series.pending++;
      return;
    }
    const reason = e.reason ?? '';
    const namespace = e.metadata.namespace ?? '';
    const kind = obj.kind ?? '';
    const key = `${reason}\0${namespace}\0${kind}`;
    const series = this.series.get(this.normal)!.get(key) ?? this.add(this.normal, key, { reason, namespace, kind });
    series.pending++;
  }

  private add(counter: Counter<string>, key: string, labels: Record<string, string>): Series {
    const series: Series = { labels, pending: 0 };
    this.series.get(counter)!.set(key, series);
    return series;
  }

  private flush(counter: Counter<string>): void {
    for (const series of this.series.get(counter)?.values() ?? []) {
      if (series.pending === 0) continue;
      counter.inc(series.labels, series.pending);
      series.pending = 0;
    }
  }
}
