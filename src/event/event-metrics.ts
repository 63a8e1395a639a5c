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

/** Above this many label sets per counter, new objects are counted under name="_other_". */
export const MAX_SERIES_PER_COUNTER = 5000;

/**
 * kube-eventer's per-event counters (`--event-metrics`), with its label names. Unlike the
 * original, the number of label sets is bounded so a busy cluster cannot exhaust memory.
 */
export class EventMetrics {
  private readonly error: Counter<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly warning: Counter<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly normal: Counter<'reason' | 'namespace' | 'kind'>;
  private readonly seen = new Map<Counter<string>, Set<string>>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.error = new Counter({ name: 'eventer_events_error_total', help: 'Events triaged into an error category', labelNames: ['reason', 'kind', 'name', 'namespace'], registers });
    this.warning = new Counter({ name: 'eventer_events_warning_total', help: 'Warning events not triaged as errors', labelNames: ['reason', 'kind', 'name', 'namespace'], registers });
    this.normal = new Counter({ name: 'eventer_events_normal_total', help: 'Events that are neither errors nor warnings', labelNames: ['reason', 'namespace', 'kind'], registers });
  }

  record(e: KubeEvent): void {
    const obj = e.involvedObject;
    const category = triage(e);
    if (category !== undefined || e.type === 'Warning') {
      const counter = category !== undefined ? this.error : this.warning;
      const labels = { reason: category ?? e.reason ?? '', kind: obj.kind ?? '', name: obj.name ?? '', namespace: obj.namespace ?? '' };
      if (!this.admit(counter, `${labels.reason}\0${labels.kind}\0${labels.name}\0${labels.namespace}`)) labels.name = '_other_';
      counter.inc(labels);
      return;
    }
    this.normal.inc({ reason: e.reason ?? '', namespace: e.metadata.namespace ?? '', kind: obj.kind ?? '' });
  }

  private admit(counter: Counter<string>, key: string): boolean {
    let keys = this.seen.get(counter);
    if (keys === undefined) this.seen.set(counter, (keys = new Set()));
    if (keys.has(key)) return true;
    if (keys.size >= MAX_SERIES_PER_COUNTER) return false;
    keys.add(key);
    return true;
  }
}
