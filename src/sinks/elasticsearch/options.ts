// Options of the elasticsearch sink: kube-eventer's (same names, same defaults) plus API keys, data
// streams, OpenSearch and control over the index template.
import { ConfigError } from '../../base/errors.js';
import { parseGoFloat } from '../../base/go-float.js';
import { option, options, type SinkUri } from '../../base/uri.js';
import { registerSecret } from '../../base/redact.js';
import { boolOption, intOption, rejectMalformedQuery, rejectUnknownOptions } from '../options.js';

/** What `ver` names: an Elasticsearch major or an OpenSearch major. */
export type EsFlavor = { readonly distribution: 'elasticsearch'; readonly major: 5 | 6 | 7 | 8 | 9 } | { readonly distribution: 'opensearch'; readonly major: 1 | 2 | 3 };

export const ES_OPTIONS = [
  'nodes',
  'ver',
  'index',
  'cluster_name',
  'use_namespace',
  'esUserName',
  'esUserSecret',
  'apiKey',
  'maxRetries',
  'healthCheck',
  'sniff',
  'startupHealthcheckTimeout',
  'bulkWorkers',
  'pipeline',
  'sigv4',
  'data_stream',
  'template',
] as const;

export interface EsOptions {
  readonly nodes: readonly URL[];
  /** From `ver`; undefined = take the version the server reports at startup. */
  readonly flavor: EsFlavor | undefined;
  readonly index: string;
  readonly clusterName: string;
  readonly useNamespace: boolean;
  /** The Authorization header value, if any (a secret). */
  readonly authorization: string | undefined;
  /** Contact the server at startup (version, template, pipeline); false = on the first send. */
  readonly healthCheck: boolean;
  readonly startupTimeoutMs: number;
  readonly bulkWorkers: number;
  readonly pipeline: string | undefined;
  readonly dataStream: boolean;
  /** Install the index template (false: the operator manages it). */
  readonly template: boolean;
}

const VERSIONS: Readonly<Record<string, EsFlavor>> = {
  '5': { distribution: 'elasticsearch', major: 5 },
  '6': { distribution: 'elasticsearch', major: 6 },
  '7': { distribution: 'elasticsearch', major: 7 },
  '8': { distribution: 'elasticsearch', major: 8 },
  '9': { distribution: 'elasticsearch', major: 9 },
  opensearch1: { distribution: 'opensearch', major: 1 },
  opensearch2: { distribution: 'opensearch', major: 2 },
  opensearch3: { distribution: 'opensearch', major: 3 },
};

/** Index names Elasticsearch accepts (lowercase, none of `\ / * ? " < > | , # :` or space, no leading `-_+`). */
function checkIndexName(name: string): void {
  if (name === '' || name !== name.toLowerCase() || /[\\/*?"<>|,#: ]/.test(name) || /^[-_+.]/.test(name) || Buffer.byteLength(name) > 200) {
    throw new ConfigError(`sink elasticsearch: option index=${JSON.stringify(name)} is not a valid index name (lowercase; no spaces or \\ / * ? " < > | , # :; not starting with - _ + .)`);
  }
}

function parseNode(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`sink elasticsearch: ${what}=${JSON.stringify(text)} is not a URL (use http(s)://host:9200)`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ConfigError(`sink elasticsearch: ${what}=${JSON.stringify(url.origin === 'null' ? text : url.origin)} must be an http(s)://host:port URL`);
  }
  if (url.password !== '') registerSecret(decodeURIComponent(url.password));
  // Like kube-eventer, a node is scheme://host[:port]; a path prefix (a proxy's) is kept.
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** `user:password@` of the URI form, escaped for a URL. */
function userinfo(uri: SinkUri): string {
  if (uri.user === undefined) return '';
  const password = uri.user.password === undefined ? '' : `:${encodeURIComponent(uri.user.password)}`;
  return `${encodeURIComponent(uri.user.name)}${password}@`;
}

function basicAuthorization(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;
}

/** `apiKey` is either `id:api_key` or the base64 `encoded` value the create-API-key call returns. */
function apiKeyAuthorization(key: string): string {
  if (key.includes(':')) return `ApiKey ${Buffer.from(key, 'utf8').toString('base64')}`;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(key)) throw new ConfigError('sink elasticsearch: option apiKey must be id:api_key or the base64 "encoded" key (value not shown)');
  return `ApiKey ${key}`;
}

export function parseEsOptions(uri: SinkUri): EsOptions {
  rejectUnknownOptions(uri, ES_OPTIONS);
  rejectMalformedQuery(uri);
  for (const name of ES_OPTIONS) {
    if (name !== 'nodes' && options(uri, name).length > 1) throw new ConfigError(`sink elasticsearch: option ${name} is given more than once`);
  }
  const secret = option(uri, 'esUserSecret');
  const apiKey = option(uri, 'apiKey');
  registerSecret(secret);
  registerSecret(apiKey);

  // `nodes` overrides the URI's scheme://host, as in kube-eventer; comma lists are split too.
  const nodeTexts = options(uri, 'nodes').flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n !== '');
  let nodes: URL[];
  if (nodeTexts.length > 0) nodes = nodeTexts.map((n) => parseNode(n, 'option nodes'));
  else if (uri.host !== '') nodes = [parseNode(`${uri.scheme}://${userinfo(uri)}${uri.host}`, 'uri')];
  else throw new ConfigError('sink elasticsearch: There is no node assigned for connecting ES cluster (use elasticsearch:http://host:9200 or nodes=http://host:9200)');

  const verText = option(uri, 'ver');
  let flavor: EsFlavor | undefined;
  if (verText !== undefined) {
    const key = verText.toLowerCase();
    flavor = Object.hasOwn(VERSIONS, key) ? VERSIONS[key] : undefined;
    if (flavor === undefined) {
      const hint = verText === '2' ? ' (Elasticsearch 2 is end-of-life and no longer supported)' : '';
      throw new ConfigError(`sink elasticsearch: Unsupported ElasticSearch Client Version: option ver=${JSON.stringify(verText)}${hint}; use 5, 6, 7, 8, 9, opensearch1, opensearch2 or opensearch3`);
    }
  }

  const index = option(uri, 'index') ?? 'heapster';
  checkIndexName(index);

  const user = option(uri, 'esUserName');
  if ((user === undefined) !== (secret === undefined)) {
    throw new ConfigError('sink elasticsearch: basic authentication needs both esUserName and esUserSecret');
  }
  if (user !== undefined && apiKey !== undefined) throw new ConfigError('sink elasticsearch: give esUserName/esUserSecret or apiKey, not both');
  let authorization: string | undefined;
  if (user !== undefined && secret !== undefined) authorization = basicAuthorization(user, secret);
  else if (apiKey !== undefined) authorization = apiKeyAuthorization(apiKey);
  else {
    const inUrl = nodes.find((n) => n.username !== '');
    if (inUrl !== undefined) authorization = basicAuthorization(decodeURIComponent(inUrl.username), decodeURIComponent(inUrl.password));
  }
  for (const n of nodes) {
    n.username = '';
    n.password = '';
  }
  if (authorization !== undefined) registerSecret(authorization.slice(authorization.indexOf(' ') + 1));

  if (option(uri, 'sigv4') !== undefined) {
    throw new ConfigError('sink elasticsearch: option sigv4 (AWS request signing) is not supported; use basic auth (esUserName/esUserSecret) or apiKey with Amazon OpenSearch Service fine-grained access control');
  }

  const timeoutText = option(uri, 'startupHealthcheckTimeout');
  let startupTimeoutMs = 5000;
  if (timeoutText !== undefined) {
    const seconds = parseGoFloat(timeoutText) ?? NaN;
    if (!(seconds > 0 && seconds <= 3600)) {
      throw new ConfigError(`sink elasticsearch: option startupHealthcheckTimeout=${JSON.stringify(timeoutText)} must be a number of seconds greater than 0`);
    }
    startupTimeoutMs = seconds * 1000;
  }

  intOption(uri, 'maxRetries', 0, 0, 1000); // checked as kube-eventer does; the lane does the retrying
  boolOption(uri, 'sniff', true); // checked; the nodes are used as given (no cluster sniffing)
  const pipeline = option(uri, 'pipeline');
  if (pipeline !== undefined && pipeline.trim() === '') throw new ConfigError('sink elasticsearch: option pipeline is empty');

  return {
    nodes,
    flavor,
    index,
    clusterName: option(uri, 'cluster_name') ?? 'default',
    // kube-eventer turns this on when the option is present, whatever its value; so do we.
    useNamespace: option(uri, 'use_namespace') !== undefined,
    authorization,
    healthCheck: boolOption(uri, 'healthCheck', true),
    startupTimeoutMs,
    bulkWorkers: intOption(uri, 'bulkWorkers', 5, 1, 64),
    pipeline,
    dataStream: boolOption(uri, 'data_stream', false),
    template: boolOption(uri, 'template', true),
  };
}
