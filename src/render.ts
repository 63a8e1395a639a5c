// `kube-eventer render --template FILE --event FILE.json`: prints the body the webhook sink would
// send for one event, through the sink's own encoder, so templates can be tried without a cluster.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { keepExactInt64s, OWN_METADATA } from './event/exact-int64.js';
import type { KubeEvent } from './event/types.js';
import { TemplateError } from './gotemplate/index.js';
import { bodyBytes, compileWebhookTemplate } from './sinks/webhook/encoder.js';
import { BODY_LIMIT_RANGE, CONFIGMAP_KEY, DEFAULT_CONFIGMAP_NAMESPACE, DEFAULT_MAX_BODY_BYTES, parseBodyLimit, type BodyMode } from './sinks/webhook/options.js';

export const RENDER_USAGE = `Usage: kube-eventer render --template FILE --event FILE [--body-mode raw|json] [--max-body-bytes N]

Prints the body the webhook sink sends for one event, exactly (no newline is added).
  --template FILE    a Go text/template, or a ConfigMap YAML whose data.${CONFIGMAP_KEY} holds it
  --event FILE       one core/v1 Event as JSON (kubectl get event NAME -o json); - reads stdin
  --body-mode MODE   raw (kube-eventer's output, default) or json (strings JSON-escaped)
  --max-body-bytes N the sink's max_body_bytes: a longer body fails (default ${DEFAULT_MAX_BODY_BYTES})
Times print in the zone of TZ, as in the daemon.
Exit status: 0 rendered, 1 template error (Go's message on stderr), 2 usage or input error.
`;

interface RenderIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

class UsageError extends Error {}

interface RenderArgs {
  template: string;
  event: string;
  bodyMode: BodyMode;
  maxBodyBytes: number;
}

/** Go flag style: `-name value`, `--name value`, `-name=value`, `--name=value`. */
function parseArgs(args: readonly string[]): RenderArgs | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--?([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (m === null) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const name = m[1]!;
    if (name === 'h' || name === 'help') return 'help';
    if (!['template', 'event', 'body-mode', 'max-body-bytes'].includes(name)) throw new UsageError(`flag provided but not defined: -${name}`);
    let value = m[2];
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) throw new UsageError(`flag needs an argument: -${name}`);
    }
    values.set(name, value);
  }
  const template = values.get('template');
  const event = values.get('event');
  if (template === undefined || template === '') throw new UsageError('--template FILE is required');
  if (event === undefined || event === '') throw new UsageError('--event FILE is required');
  const bodyMode = values.get('body-mode') ?? 'raw';
  if (bodyMode !== 'raw' && bodyMode !== 'json') throw new UsageError(`--body-mode ${JSON.stringify(bodyMode)} must be raw or json`);
  const limitText = values.get('max-body-bytes');
  const maxBodyBytes = limitText === undefined ? DEFAULT_MAX_BODY_BYTES : parseBodyLimit(limitText);
  if (maxBodyBytes === undefined) throw new UsageError(`--max-body-bytes ${JSON.stringify(limitText)} must be ${BODY_LIMIT_RANGE}`);
  return { template, event, bodyMode, maxBodyBytes };
}

async function readInput(path: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * A ConfigMap manifest (`kind: ConfigMap`) yields its `content` key and its name; anything else
 * is the template text itself (a JSON-looking template is valid YAML, so `kind` decides).
 */
export function templateFromFile(path: string, text: string): { source: string; text: string } {
  let doc: unknown;
  if (/\bkind["']?\s*:\s*["']?ConfigMap\b/.test(text)) {
    try {
      doc = parseYaml(text, { logLevel: 'error' });
    } catch {
      doc = undefined;
    }
  }
  const manifest = doc as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; data?: Record<string, unknown> } | undefined;
  if (manifest !== null && typeof manifest === 'object' && manifest.kind === 'ConfigMap') {
    const content = manifest.data?.[CONFIGMAP_KEY];
    const name = typeof manifest.metadata?.name === 'string' ? manifest.metadata.name : basename(path);
    if (typeof content !== 'string') throw new UsageError(`${path}: ConfigMap ${name} has no data.${CONFIGMAP_KEY} string`);
    const namespace = typeof manifest.metadata?.namespace === 'string' ? manifest.metadata.namespace : DEFAULT_CONFIGMAP_NAMESPACE;
    return { source: `ConfigMap ${namespace}/${name}`, text: content };
  }
  return { source: path, text };
}

function parseEvent(path: string, text: string): KubeEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${path}: expected one Event object`);
  keepExactInt64s(value, text, OWN_METADATA);
  const obj = value as Record<string, unknown>;
  if (Array.isArray(obj.items)) throw new UsageError(`${path}: holds a list of ${obj.items.length} events; give one Event`);
  return { ...obj, metadata: (obj.metadata as KubeEvent['metadata']) ?? {}, involvedObject: (obj.involvedObject as KubeEvent['involvedObject']) ?? {} } as KubeEvent;
}

function write(stream: NodeJS.WritableStream, text: string | Buffer): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

export async function runRender(args: string[], io: RenderIo = process): Promise<number> {
  try {
    const parsed = parseArgs(args);
    if (parsed === 'help') {
      await write(io.stderr, RENDER_USAGE);
      return 0;
    }
    const templateFile = templateFromFile(parsed.template, await readInput(parsed.template, io.stdin));
    const event = parseEvent(parsed.event, await readInput(parsed.event, io.stdin));
    let body: string;
    try {
      body = compileWebhookTemplate(templateFile.text, { source: templateFile.source, bodyMode: parsed.bodyMode, maxBodyBytes: parsed.maxBodyBytes }).render(event);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      await write(io.stderr, `${err.message}\n`);
      return 1;
    }
    await write(io.stdout, bodyBytes(body));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      await write(io.stderr, `kube-eventer render: ${err.message}\n${RENDER_USAGE}`);
      return 2;
    }
    throw err;
  }
}
