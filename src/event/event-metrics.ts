import { Counter, type Registry } from 'prom-client';
import type { EventSummary } from './types.js';

// A Map, not an object: a reason such as `constructor` or `toString` must not find Object.prototype's members.
const DIRECT: ReadonlyMap<string, string> = new Map(Object.entries({
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
}));

/** kube-eventer's triage of an event into an error category (its table, above; docs/metrics.md), or undefined. */
export function triage(e: EventSummary): string | undefined {
  const reason = e.reason ?? '';
  const direct = DIRECT.get(reason);
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

interface Series<L extends string> {
  readonly labels: Record<L, string>;
  /** Counted since the last scrape; handed to prom-client by its collect(). */
  pending: number;
}

type SeriesTree<L extends string> = Map<string, SeriesTree<L> | Series<L>>;

/**
 * One counter whose label sets are kept bounded: the first MAX_SERIES_PER_COUNTER are kept as they are; a
 * new set past that has its most specific labels replaced by `_other_`, one more at a time (in
 * `collapseOrder`), until it matches a set already counted or fits the collapsed allowance; the last resort
 * is every label `_other_`. So the counter never holds more than MAX_SERIES + MAX_COLLAPSED + 1 series.
 * An event is counted as a plain number on its series, found by one map lookup per label value (no key
 * string built per event); prom-client (which hashes the label set on every inc) hears of the counts when
 * /metrics is scraped.
 */
class BoundedCounter<L extends string> {
  /** Series by their values in collapseOrder: a map per label, the last one's values are the series. */
  private readonly tree: SeriesTree<L> = new Map();
  private readonly series: Series<L>[] = [];
  private collapsed = 0;

  constructor(
    registry: Registry,
    name: string,
    help: string,
    /** Label names in the order /metrics shows them. */
    private readonly labelNames: readonly L[],
    /** The same names, most specific first: the order they collapse in and the order of inc()'s values. */
    private readonly collapseOrder: readonly L[],
  ) {
    const series = this.series;
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const s of series) {
          if (s.pending > 0) this.inc(s.labels, s.pending);
          s.pending = 0;
        }
      },
    });
  }

  /** Counts one event with these label values, in collapseOrder. */
  inc(values: readonly string[]): void {
    (this.find(values) ?? this.admit(values)).pending++;
  }

  private find(values: readonly string[]): Series<L> | undefined {
    let node: SeriesTree<L> | Series<L> | undefined = this.tree;
    for (let i = 0; i < values.length && node !== undefined; i++) node = (node as SeriesTree<L>).get(values[i]!);
    return node as Series<L> | undefined;
  }

  /** A new label set: kept as it is under the cap, else collapsed one value at a time (no object built per lookup). */
  private admit(values: readonly string[]): Series<L> {
    if (this.series.length < MAX_SERIES_PER_COUNTER) return this.add(values);
    const collapsed = values.slice();
    for (let i = 0; i < collapsed.length; i++) {
      collapsed[i] = OTHER;
      const known = this.find(collapsed);
      if (known !== undefined) return known;
      const last = collapsed.every((value) => value === OTHER);
      if (last || this.collapsed < MAX_COLLAPSED_SERIES_PER_COUNTER) {
        if (!last) this.collapsed++;
        return this.add(collapsed);
      }
    }
    throw new Error('unreachable: the all-_other_ label set is always admitted');
  }

  private add(values: readonly string[]): Series<L> {
    const labels = {} as Record<L, string>;
    for (const name of this.labelNames) labels[name] = values[this.collapseOrder.indexOf(name)]!;
    const s: Series<L> = { labels, pending: 0 };
    let node = this.tree;
    for (let i = 0; i < values.length - 1; i++) {
      let next = node.get(values[i]!) as SeriesTree<L> | undefined;
      if (next === undefined) node.set(values[i]!, (next = new Map()));
      node = next;
    }
    node.set(values[values.length - 1]!, s);
    this.series.push(s);
    return s;
  }
}

/**
 * kube-eventer's per-event counters (`--event-metrics`), with its label names. Unlike the
 * original, the number of label sets of each is bounded (BoundedCounter), so a busy cluster cannot
 * exhaust memory or the scrape.
 */
export class EventMetrics {
  private readonly error: BoundedCounter<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly warning: BoundedCounter<'reason' | 'kind' | 'name' | 'namespace'>;
  private readonly normal: BoundedCounter<'reason' | 'namespace' | 'kind'>;

  constructor(registry: Registry) {
    const names = ['reason', 'kind', 'name', 'namespace'] as const;
    const order = ['name', 'namespace', 'kind', 'reason'] as const;
    this.error = new BoundedCounter(registry, 'eventer_events_error_total', 'Events triaged into an error category', names, order);
    this.warning = new BoundedCounter(registry, 'eventer_events_warning_total', 'Warning events not triaged as errors', names, order);
    this.normal = new BoundedCounter(registry, 'eventer_events_normal_total', 'Events that are neither errors nor warnings', ['reason', 'namespace', 'kind'], ['namespace', 'kind', 'reason']);
  }

  /** Label values of the event being counted, reused: counters copy what they keep. */
  private readonly errorOrWarningLabels = ['', '', '', ''];
  private readonly normalLabels = ['', '', ''];

  record(e: EventSummary): void {
    const obj = e.involvedObject;
    const category = triage(e);
    if (category !== undefined || e.type === 'Warning') {
      const labels = this.errorOrWarningLabels;
      labels[0] = obj.name ?? '';
      labels[1] = obj.namespace ?? '';
      labels[2] = obj.kind ?? '';
      labels[3] = category ?? e.reason ?? '';
      (category !== undefined ? this.error : this.warning).inc(labels);
      return;
    }
    const labels = this.normalLabels;
    labels[0] = e.metadata.namespace ?? '';
    labels[1] = obj.kind ?? '';
    labels[2] = e.reason ?? '';
    this.normal.inc(labels);
  }
}
