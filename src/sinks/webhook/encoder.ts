// Pure: event → webhook body through the Go template engine. Templates are parsed once; every
// render sees kube-eventer's data (Message without `"`, LastTimestamp filled in).
import type { KubeEvent } from '../../event/types.js';
import { DEFAULT_RENDER_LIMITS, extraFuncs, goBytes, hasRawBytes, jsonEscape, kubeEventerTemplateData, parseTemplate, type Template } from '../../gotemplate/index.js';
import type { GoTime } from '../../gotime/index.js';
import type { BodyMode } from './options.js';

/** kube-eventer's built-in body (starts with a newline, tab-indented, no trailing newline). */
export const DEFAULT_BODY_TEMPLATE =
  '\n{\n\t"EventType": "{{ .Type }}",\n\t"EventKind": "{{ .InvolvedObject.Kind }}",\n\t"EventReason": "{{ .Reason }}",\n\t"EventTime": "{{ .LastTimestamp }}",\n\t"EventMessage": "{{ .Message }}"\n}';

/**
 * The Go template name, as kube-eventer names it: Go's error texts read `template: body:3: …` in the
 * sink, in `kube-eventer render` and in kube-eventer alike.
 */
export const TEMPLATE_NAME = 'body';

export interface WebhookEncoder {
  /** Where the template came from, for logs and reject reasons (`ConfigMap team/x`, `built-in body`). */
  readonly source: string;
  readonly text: string;
  readonly bodyMode: BodyMode;
  /**
   * Throws TemplateError (Go's execution error text) when the template fails for this event.
   * `now` is the LastTimestamp fallback (default: the current time, as kube-eventer's time.Now()).
   */
  render(event: KubeEvent, now?: GoTime): string;
}

/**
 * What is sent for a rendered body: its UTF-8, or, when the template made bytes that are not UTF-8
 * (`slice .Message 0 10` cutting a character, `"\xff"`), exactly those bytes, as Go sends them.
 */
export function bodyBytes(body: string): string | Buffer {
  return hasRawBytes(body) ? goBytes(body) : body;
}

/**
 * A string made safe inside a JSON string literal (Go's escaping). Quotes become `\u0022`, not
 * `\"`: kube-eventer's removal of `"` from Message must not leave a lone backslash behind.
 */
export function jsonStringContent(s: string): string {
  return jsonEscape(s).replaceAll('\\"', '\\u0022');
}

function escapeStringsDeep(value: unknown): unknown {
  if (typeof value === 'string') return jsonStringContent(value);
  if (Array.isArray(value)) return value.map(escapeStringsDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeStringsDeep(v);
    return out;
  }
  return value;
}

/**
 * body_mode=json: every string of the event (message, reason, names, label values…) escaped
 * for a JSON string, so a template that puts `{{ .Message }}` between quotes yields valid JSON.
 * Timestamps contain nothing to escape and are unchanged.
 */
export function jsonEscapedEvent(event: KubeEvent): KubeEvent {
  return escapeStringsDeep(event) as KubeEvent;
}

class GoTemplateEncoder implements WebhookEncoder {
  constructor(
    private readonly template: Template,
    readonly source: string,
    readonly text: string,
    readonly bodyMode: BodyMode,
  ) {}

  render(event: KubeEvent, now?: GoTime): string {
    const source = this.bodyMode === 'json' ? jsonEscapedEvent(event) : event;
    return this.template.execute(kubeEventerTemplateData(source, now));
  }
}

/**
 * Parses a body template once (Go's text/template plus our extra functions). Throws
 * TemplateError with Go's message and position, e.g. `template: body:3: unexpected "}" in operand`.
 * A render stops with a TemplateError past `maxBodyBytes` of output or the step budget.
 */
export function compileWebhookTemplate(text: string, options: { source: string; bodyMode: BodyMode; maxBodyBytes?: number }): WebhookEncoder {
  const limits = { ...DEFAULT_RENDER_LIMITS, maxOutputBytes: options.maxBodyBytes ?? DEFAULT_RENDER_LIMITS.maxOutputBytes };
  return new GoTemplateEncoder(parseTemplate(TEMPLATE_NAME, text, extraFuncs, limits), options.source, text, options.bodyMode);
}
