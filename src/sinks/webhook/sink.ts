// The webhook sink: one request per event, its body rendered from a Go template (kube-eventer's
// default or a ConfigMap's `content`, hot-reloaded), sent over a bounded pool of connections, several
// requests at once on each (HTTP/1.1 pipelining) unless the endpoint is a chat robot.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { ConfigError } from '../../base/errors.js';
import { option, type SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import type { ConfigMap } from '../../kube/types.js';
import { redact } from '../../base/redact.js';
import { backoffDelay, delay } from '../../base/backoff.js';
import { KubeApiError } from '../../kube/api.js';
import { defer, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { isTransientStatus } from '../http/classify.js';
import { describeTarget, HttpClient, type HttpRequest, type PipelinedRequest } from '../http/client.js';
import { DEFERRED, robotTuning, type Robot } from '../chat/robot.js';
import { ROBOTS } from '../chat/robots.js';
import type { LaneTuning, Sink } from '../../pipeline/sink.js';
import type { ConfigMapReader, SinkContext, SinkParts } from '../context.js';
import { laneSettingsFor } from '../../pipeline/lane-options.js';
import { bodyBytes, compileWebhookTemplate, DEFAULT_BODY_TEMPLATE, type WebhookEncoder } from './encoder.js';
import { CONFIGMAP_KEY, parseWebhookOptions, type ConfigMapRef, type WebhookOptions } from './options.js';

function describeRef(ref: ConfigMapRef): string {
  return `ConfigMap ${ref.namespace}/${ref.name}`;
}

/** Compiles a ConfigMap's template, or says why it cannot be used (Go's error text included). */
function templateFromConfigMap(ref: ConfigMapRef, configMap: ConfigMap | undefined, options: WebhookOptions): WebhookEncoder | string {
  if (configMap === undefined) return `${describeRef(ref)} not found`;
  const text = configMap.data?.[CONFIGMAP_KEY];
  if (text === undefined) {
    const keys = Object.keys(configMap.data ?? {}).sort();
    return `${describeRef(ref)} has no key "${CONFIGMAP_KEY}" (keys: ${keys.length === 0 ? 'none' : keys.join(', ')})`;
  }
  try {
    return compileWebhookTemplate(text, { source: describeRef(ref), bodyMode: options.bodyMode, maxBodyBytes: options.maxBodyBytes });
  } catch (err) {
    return `${describeRef(ref)} key "${CONFIGMAP_KEY}": ${(err as Error).message}`;
  }
}

interface ReloadCounters {
  readonly reloads: Counter<'sink'>;
  readonly errors: Counter<'sink'>;
}

function counter(registry: Registry, name: string, help: string): Counter<'sink'> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<'sink'>;
  return new Counter({ name, help, labelNames: ['sink'], registers: [registry] });
}

function reloadCounters(registry: Registry): ReloadCounters {
  return {
    reloads: counter(registry, 'eventer_webhook_template_reloads_total', 'Webhook body templates replaced after a ConfigMap change'),
    errors: counter(registry, 'eventer_webhook_template_reload_errors_total', 'ConfigMap changes whose template could not be used (the last good one stays)'),
  };
}

/**
 * Splits a batch into at most `lanes` runs of positions: every event of one involved object goes to
 * the same run, in batch order, and objects are spread over the runs as they first appear.
 */
export function objectRuns(batch: readonly KubeEvent[], lanes: number): number[][] {
  const runs: number[][] = [];
  if (lanes <= 1 || batch.length <= 1) {
    runs.push(batch.map((_, i) => i));
    return runs;
  }
  const runOf = new Map<string, number[]>();
  for (let i = 0; i < batch.length; i++) {
    const o = batch[i]!.involvedObject;
    const key = o.uid || `${o.kind ?? ''}/${o.namespace ?? ''}/${o.name ?? ''}`;
    let run = runOf.get(key);
    if (run === undefined) {
      if (runs.length < lanes) runs.push((run = []));
      else run = runs[runOf.size % lanes]!;
      runOf.set(key, run);
    }
    run.push(i);
  }
  return runs;
}

/**
 * Lets I/O and timers run between two renders (not a delay): a render may take up to its step budget,
 * and a batch of them back to back would otherwise hold /healthz, the watch and other sinks.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Events a send had no time left for: the lane hands them over again, first, in the next send. */
const LEFT_FOR_NEXT_SEND = defer('left for the next send (the endpoint answers slowly)');

/**
 * A send starts rounds for at most this share of the lane's send deadline, and sizes a round to
 * last about as long, so an endpoint that slows down leaves the deadline room instead of having
 * requests cut off and sent again.
 */
const SEND_SHARE_OF_DEADLINE = 0.25;

class WebhookSink implements Sink {
  readonly name = 'webHook';
  /**
   * Requests each connection gets at once: 1 to start with, then as many as the last round's reply
   * time per request lets fit in the send budget, up to the `pipeline` option.
   */
  private depth = 1;
  private readonly stopWatch = new AbortController();
  /** The chat robot behind the endpoint, when there is one (response_check). */
  private readonly robot: Robot | undefined;
  /** How reasons name the endpoint (computed once, not per request). */
  private readonly target: string;

  constructor(
    private readonly options: WebhookOptions,
    private readonly client: HttpClient,
    /** Replaced as a whole on reload; a batch renders with the encoder it started with. */
    private encoder: WebhookEncoder,
    private readonly headers: ReadonlyArray<readonly [string, string]>,
    /** How long a send keeps starting rounds (a share of the lane's send deadline). */
    private readonly budgetMs: number,
  ) {
    this.robot = options.replyCheck === 'status' ? undefined : ROBOTS[options.replyCheck];
    this.target = describeTarget(options.method, options.endpoint);
  }

  get template(): WebhookEncoder {
    return this.encoder;
  }

  swapTemplate(next: WebhookEncoder): void {
    this.encoder = next;
  }

  get watchSignal(): AbortSignal {
    return this.stopWatch.signal;
  }

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    const encoder = this.encoder;
    if (this.robot !== undefined && batch.length > 1) return this.sendMerged(batch, encoder, this.robot, signal);
    const outcomes = new Array<Outcome>(batch.length);
    const runs = objectRuns(batch, this.options.maxInFlight);
    const started = performance.now();
    // Each run goes over its own connection in rounds of `depth` pipelined requests, so events of one
    // involved object arrive in order. A send starts no round once its budget is spent: what is left
    // waits for the next send, and a slow endpoint never runs a batch into the lane's deadline.
    for (let sent = 0; runs.some((run) => run.length > sent); ) {
      if (performance.now() - started > this.budgetMs) {
        for (const run of runs) for (const i of run.slice(sent)) outcomes[i] = LEFT_FOR_NEXT_SEND;
        break;
      }
      const depth = this.depth;
      await this.sendRound(batch, runs.map((run) => run.slice(sent, sent + depth)), outcomes, encoder, signal);
      sent += depth;
    }
    return outcomes;
  }

  /**
   * One round: a slice of each run, rendered one run after another (the endpoint works on one
   * connection's requests while the next renders), then the depth for the next round.
   */
  private async sendRound(batch: readonly KubeEvent[], slices: ReadonlyArray<readonly number[]>, outcomes: Outcome[], encoder: WebhookEncoder, signal: AbortSignal): Promise<void> {
    let slowestMsPerRequest = 0;
    const exchanges: Array<Promise<void>> = [];
    for (const slice of slices) {
      const { requests, positions } = await this.render(batch, slice, outcomes, encoder);
      if (requests.length === 0) continue;
      if (signal.aborted) {
        for (const i of positions) outcomes[i] = retry('not sent: send deadline passed or shutting down');
        continue;
      }
      const started = performance.now();
      exchanges.push(
        this.client.exchangeAll(requests, signal, this.robot?.checkReply).then((replies) => {
          slowestMsPerRequest = Math.max(slowestMsPerRequest, (performance.now() - started) / replies.length);
          positions.forEach((position, k) => (outcomes[position] = replies[k]!));
        }),
      );
    }
    await Promise.all(exchanges);
    if (slowestMsPerRequest > 0) this.depth = Math.max(1, Math.min(this.options.pipeline, Math.floor(this.budgetMs / slowestMsPerRequest)));
  }

  /**
   * A rate-limited chat robot gets one message for several events: each event's body is rendered
   * as usual, then the bodies are merged (texts joined, within the robot's size limit); events
   * that do not fit are deferred to the next message.
   */
  private async sendMerged(batch: readonly KubeEvent[], encoder: WebhookEncoder, robot: Robot, signal: AbortSignal): Promise<Outcome | Outcome[]> {
    const outcomes = new Array<Outcome>(batch.length);
    const bodies: string[] = [];
    const positions: number[] = [];
    for (const [i, event] of batch.entries()) {
      await yieldToEventLoop();
      try {
        bodies.push(encoder.render(event));
        positions.push(i);
      } catch (err) {
        outcomes[i] = reject(redact(`${encoder.source}: ${(err as Error).message}`));
      }
    }
    if (bodies.length === 0) return outcomes;
    const merged = robot.mergeBodies(bodies);
    const request: HttpRequest = { url: this.options.endpoint, method: this.options.method, headers: this.headers, body: bodyBytes(merged.body), signal };
    const outcome = await this.client.exchange(request, robot.checkReply);
    const sent = new Set(merged.merged);
    positions.forEach((position, k) => (outcomes[position] = sent.has(k) ? outcome : DEFERRED));
    return outcomes;
  }

  /** The requests for the events at `positions`; an event whose render fails is rejected instead. */
  private async render(batch: readonly KubeEvent[], positions: readonly number[], outcomes: Outcome[], encoder: WebhookEncoder): Promise<{ requests: PipelinedRequest[]; positions: number[] }> {
    const requests: PipelinedRequest[] = [];
    const rendered: number[] = [];
    for (const i of positions) {
      await yieldToEventLoop();
      try {
        const body = encoder.render(batch[i]!);
        // A robot refuses a text over its limit whole: it gets the text cut to fit instead.
        const fitted = this.robot === undefined ? body : this.robot.mergeBodies([body]).body;
        requests.push({ url: this.options.endpoint, method: this.options.method, headers: this.headers, body: bodyBytes(fitted), target: this.target });
        rendered.push(i);
      } catch (err) {
        outcomes[i] = reject(redact(`${encoder.source}: ${(err as Error).message}`));
      }
    }
    return { requests, positions: rendered };
  }

  async close(): Promise<void> {
    this.stopWatch.abort();
    await this.client.close();
  }
}

interface StartingTemplate {
  readonly encoder: WebhookEncoder;
  /** resourceVersion of the ConfigMap read at startup (undefined when there was none). */
  readonly version: string | undefined;
}

/**
 * How long startup retries a ConfigMap read that failed for a passing reason (an API server restarting,
 * a sidecar proxy not ready yet), before the failure counts as the ConfigMap's.
 */
const CONFIGMAP_STARTUP_RETRY_MS = 30_000;

/** Network errors and timeouts (no status) and transient statuses pass; a 403 or a 404 is an answer. */
function isPassing(err: unknown): boolean {
  return err instanceof KubeApiError && (err.status === 0 || isTransientStatus(err.status));
}

async function readConfigMapAtStartup(kube: ConfigMapReader, ref: ConfigMapRef, log: Logger, signal: AbortSignal): Promise<ConfigMap | undefined> {
  const giveUpAt = Date.now() + CONFIGMAP_STARTUP_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await kube.getConfigMap(ref.namespace, ref.name, signal);
    } catch (err) {
      const waitMs = backoffDelay(attempt);
      if (!isPassing(err) || signal.aborted || Date.now() + waitMs > giveUpAt) throw err;
      log.warn({ configMap: `${ref.namespace}/${ref.name}`, err: redact((err as Error).message), retryInMs: waitMs }, 'reading the webhook body ConfigMap failed; retrying');
      await delay(waitMs, signal);
    }
  }
}

/** The template to start with; a missing ConfigMap is fatal unless `missing_configmap=default`. */
async function initialTemplate(options: WebhookOptions, kube: ConfigMapReader | undefined, log: Logger, signal: AbortSignal): Promise<StartingTemplate> {
  const fallback = (): StartingTemplate => ({ encoder: compileWebhookTemplate(DEFAULT_BODY_TEMPLATE, { source: 'built-in body', bodyMode: options.bodyMode, maxBodyBytes: options.maxBodyBytes }), version: undefined });
  const ref = options.configMap;
  if (ref === undefined) return fallback();
  const useDefault = (problem: string): StartingTemplate => {
    if (options.missingConfigMap === 'fail') {
      throw new ConfigError(`sink webhook: custom_body_configmap: ${problem} (set missing_configmap=default to start with kube-eventer's default body instead)`);
    }
    log.warn({ configMap: `${ref.namespace}/${ref.name}`, problem }, 'webhook body template unavailable: using the default body until the ConfigMap is usable');
    return fallback();
  };
  if (kube === undefined) return useDefault(`${describeRef(ref)} cannot be read: the source has no Kubernetes client`);
  let configMap: ConfigMap | undefined;
  try {
    configMap = await readConfigMapAtStartup(kube, ref, log, signal);
  } catch (err) {
    return useDefault(`${describeRef(ref)} cannot be read: ${redact((err as Error).message)}`);
  }
  if (configMap?.data?.[CONFIGMAP_KEY] !== undefined) {
    const compiled = templateFromConfigMap(ref, configMap, options);
    // A template that does not parse is a mistake to fix, whatever missing_configmap says.
    if (typeof compiled === 'string') throw new ConfigError(`sink webhook: ${compiled}`);
    return { encoder: compiled, version: configMap.metadata.resourceVersion };
  }
  return useDefault(templateFromConfigMap(ref, configMap, options) as string);
}

/** Follows the ConfigMap: a good change swaps the template, a bad one keeps the last good one. */
function watchTemplate(sink: WebhookSink, options: WebhookOptions, ref: ConfigMapRef, kube: ConfigMapReader, ctx: SinkContext, sinkLabel: string, startVersion: string | undefined): void {
  const counters = reloadCounters(ctx.metrics);
  const signal = AbortSignal.any([sink.watchSignal, ctx.shutdown]);
  const where = `${ref.namespace}/${ref.name}`;
  let seenVersion = startVersion;
  const onChange = (configMap: ConfigMap | undefined) => {
    // The watch starts with a list that usually finds what startup already read.
    const version = configMap?.metadata.resourceVersion;
    if (version === seenVersion) return;
    seenVersion = version;
    const text = configMap?.data?.[CONFIGMAP_KEY];
    if (text !== undefined && text === sink.template.text) return;
    const compiled = templateFromConfigMap(ref, configMap, options);
    if (typeof compiled === 'string') {
      counters.errors.inc({ sink: sinkLabel });
      ctx.log.error({ configMap: where, problem: compiled }, 'webhook body template not reloaded: keeping the last good template');
      return;
    }
    sink.swapTemplate(compiled);
    counters.reloads.inc({ sink: sinkLabel });
    ctx.log.info({ configMap: where, resourceVersion: configMap?.metadata.resourceVersion }, 'webhook body template reloaded');
  };
  const onError = (err: unknown) => ctx.log.warn({ configMap: where, err: redact((err as Error)?.message ?? String(err)) }, 'watching the webhook body ConfigMap failed; retrying');
  kube.watchConfigMap(ref.namespace, ref.name, onChange, signal, { onError }).catch((err: unknown) => {
    if (!signal.aborted) ctx.log.error({ configMap: where, err: redact((err as Error)?.message ?? String(err)) }, 'stopped watching the webhook body ConfigMap');
  });
}

/** Events per merged robot message: about what a WeChat Work text message (2048 bytes) holds. */
const ROBOT_BATCH = 8;

/**
 * A robot endpoint is paced like the chat sinks (`rate_limit`/`rate_window` override the pace) and
 * each batch is merged into one message. Elsewhere a `rate_limit` counts requests: one event per send.
 * Otherwise a batch is at most what goes on the wire at once (`max_in_flight` connections, `pipeline`
 * requests on each), so the lane's `timeout` bounds one round of requests, not a queue of them.
 */
function laneTuning(uri: SinkUri, options: WebhookOptions): LaneTuning {
  if (options.replyCheck !== 'status') return robotTuning(ROBOTS[options.replyCheck], ROBOT_BATCH);
  return { maxBatch: option(uri, 'rate_limit') === undefined ? options.maxInFlight * options.pipeline : 1 };
}

export async function createWebhookSink(uri: SinkUri, ctx: SinkContext): Promise<SinkParts> {
  const options = parseWebhookOptions(uri);
  if (options.suspiciousParameters.length > 0) {
    ctx.log.warn({ parameters: options.suspiciousParameters }, 'webhook: these URI parameters are not options of this sink and are sent to the endpoint; check their spelling');
  }
  if (options.replyCheck !== 'status' && options.configMap === undefined) {
    ctx.log.warn(
      { responseCheck: options.replyCheck },
      `webhook: a ${options.replyCheck} robot refuses kube-eventer's built-in body (it is not a robot message); give custom_body_configmap with a body in the robot's format (docs/sinks/webhook.md, Recipes)`,
    );
  }
  const starting = await initialTemplate(options, ctx.kube, ctx.log, ctx.shutdown);
  const headers = [...options.headers];
  if (options.bodyMode === 'json' && !headers.some(([name]) => name.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', 'application/json']);
  }
  const client = new HttpClient({ connectionsPerOrigin: options.maxInFlight });
  const tuning = laneTuning(uri, options);
  const budgetMs = laneSettingsFor(uri, tuning).sendTimeoutMs * SEND_SHARE_OF_DEADLINE;
  const sink = new WebhookSink(options, client, starting.encoder, headers, budgetMs);
  if (options.configMap !== undefined && ctx.kube !== undefined) {
    const sinkLabel = (ctx.log.bindings() as { sink?: string }).sink ?? `webhook ${options.configMap.namespace}/${options.configMap.name}`;
    watchTemplate(sink, options, options.configMap, ctx.kube, ctx, sinkLabel, starting.version);
  }
  return { sink, tuning };
}
