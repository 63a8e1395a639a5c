import { Counter, Gauge, Histogram, Summary, type Registry } from 'prom-client';

/** A lane's per-event counts (label sets resolved once, not hashed per event). */
export interface LaneCounts {
  readonly labels: { sink: string; exporter: string };
  accepted: number;
  filtered: number;
  /** The lane's queue length right now. */
  readonly queued: () => number;
}

export type DropReason = 'overflow' | 'retries_exhausted' | 'shutdown';

/** Per-lane metrics; `sink` tells apart several sinks of one kind, `exporter` is kube-eventer's name. */
export class PipelineMetrics {
  readonly queued: Gauge<'sink' | 'exporter'>;
  readonly accepted: Counter<'sink' | 'exporter'>;
  readonly filtered: Counter<'sink' | 'exporter'>;
  readonly sent: Counter<'sink' | 'exporter'>;
  readonly retried: Counter<'sink' | 'exporter'>;
  readonly rejected: Counter<'sink' | 'exporter'>;
  readonly dropped: Counter<'sink' | 'exporter' | 'reason'>;
  readonly collapsed: Counter<'sink' | 'exporter'>;
  readonly requests: Counter<'sink' | 'exporter' | 'result'>;
  readonly latency: Histogram<'sink' | 'exporter'>;
  /** kube-eventer's own metric: duration of each export call per sink. */
  readonly exporterDuration: Summary<'exporter'>;

  /** What each lane counts per event, as plain numbers; the metrics read them when scraped. */
  private readonly lanes: LaneCounts[] = [];

  constructor(registry: Registry) {
    const labelNames = ['sink', 'exporter'] as const;
    const registers = [registry];
    const lanes = this.lanes;
    this.queued = new Gauge({
      name: 'eventer_sink_events_queued',
      help: 'Events waiting in the sink lane queue',
      labelNames,
      registers,
      collect() {
        for (const lane of lanes) this.set(lane.labels, lane.queued());
      },
    });
    this.accepted = new Counter({
      name: 'eventer_sink_events_accepted_total',
      help: 'Events that passed the sink filter and entered its queue',
      labelNames,
      registers,
      collect() {
        for (const lane of lanes) {
          if (lane.accepted > 0) this.inc(lane.labels, lane.accepted);
          lane.accepted = 0;
        }
      },
    });
    this.filtered = new Counter({
      name: 'eventer_sink_events_filtered_total',
      help: 'Events the sink filter did not accept',
      labelNames,
      registers,
      collect() {
        for (const lane of lanes) {
          if (lane.filtered > 0) this.inc(lane.labels, lane.filtered);
          lane.filtered = 0;
        }
      },
    });
    this.sent = new Counter({ name: 'eventer_sink_events_sent_total', help: 'Events the sink delivered', labelNames, registers });
    this.retried = new Counter({ name: 'eventer_sink_events_retried_total', help: 'Event deliveries retried after a retryable failure', labelNames, registers });
    this.rejected = new Counter({ name: 'eventer_sink_events_rejected_total', help: 'Events the endpoint refused permanently', labelNames, registers });
    this.dropped = new Counter({ name: 'eventer_sink_events_dropped_total', help: 'Events given up: queue overflow, retries exhausted, or shutdown deadline', labelNames: [...labelNames, 'reason'], registers });
    this.collapsed = new Counter({ name: 'eventer_sink_events_collapsed_total', help: 'Repeats of an event folded into a later notice', labelNames, registers });
    this.requests = new Counter({ name: 'eventer_sink_send_calls_total', help: 'Send calls by result (ok, partial, retry, reject, timeout, error)', labelNames: [...labelNames, 'result'], registers });
    this.latency = new Histogram({
      name: 'eventer_sink_delivery_latency_seconds',
      help: 'Time from receiving an event from the watch to its delivery',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.exporterDuration = new Summary({
      name: 'eventer_exporter_duration_milliseconds',
      help: 'Time spent exporting events to sink in milliseconds.',
      labelNames: ['exporter'],
      percentiles: [],
      registers,
    });
  }

  /** Registers a lane's counts; they appear (at 0) before its first event. */
  countsFor(labels: { sink: string; exporter: string }, queued: () => number): LaneCounts {
    const counts: LaneCounts = { labels, accepted: 0, filtered: 0, queued };
    this.lanes.push(counts);
    this.accepted.inc(labels, 0);
    this.filtered.inc(labels, 0);
    return counts;
  }
}
