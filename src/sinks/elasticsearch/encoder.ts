// What the elasticsearch sink writes: kube-eventer's document (Go JSON, Go field names), the index it
// goes to, the `_bulk` action lines per version, and the index template per version.
import { createHash, randomUUID } from 'node:crypto';
import { goStringMap, goStruct, goStructJson, objectMetaFields, objectReferenceFields, sourceFields } from '../../event/event-json.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { goFormat, isZeroGoTime, parseKubeTime, rfc3339NanoUTC, utc, type GoTime } from '../../gotime/index.js';

/** Which REST dialect a server speaks, from its info API. */
export interface EsDialect {
  readonly distribution: 'elasticsearch' | 'opensearch';
  readonly major: number;
  readonly minor: number;
}

export interface EsFormat {
  readonly index: string;
  readonly clusterName: string;
  readonly useNamespace: boolean;
  readonly dataStream: boolean;
}

/** kube-eventer's mapping type, needed by 5.x and 6.x (one type per index); typeless from 7. */
export const EVENT_TYPE = 'events';

export function usesTypes(d: EsDialect): boolean {
  return d.distribution === 'elasticsearch' && d.major < 7;
}

/** Composable index templates (`_index_template`): Elasticsearch 7.8+ and every OpenSearch. */
export function usesComposableTemplates(d: EsDialect): boolean {
  return d.distribution === 'opensearch' || d.major > 7 || (d.major === 7 && d.minor >= 8);
}

/** Data streams: Elasticsearch 7.9+ and every OpenSearch. */
export function supportsDataStreams(d: EsDialect): boolean {
  return d.distribution === 'opensearch' || d.major > 7 || (d.major === 7 && d.minor >= 9);
}

function timeJson(t: GoTime | null): string {
  return t === null || isZeroGoTime(t) ? '0001-01-01T00:00:00Z' : rfc3339NanoUTC(t);
}

/** kube-eventer's document: its Go struct without json tags, in this field order. */
export function encodeDocument(e: KubeEvent, format: EsFormat, last: GoTime = lastTimestamp(e)): string {
  const tags: Record<string, string> = {
    cluster_name: format.clusterName,
    eventID: e.metadata?.uid ?? '',
    hostname: e.source?.host ?? '',
  };
  if (e.involvedObject?.kind === 'Pod') {
    tags.pod_id = e.involvedObject.uid ?? '';
    tags.pod_name = e.involvedObject.name ?? '';
  }
  const lastText = timeJson(last);
  const fields: Array<[string, unknown]> = [
    ['Count', e.count ?? 0],
    ['Metadata', objectMetaFields(e)],
    ['InvolvedObject', objectReferenceFields(e.involvedObject)],
    ['Source', sourceFields(e)],
    ['FirstOccurrenceTimestamp', timeJson(parseKubeTime(e.firstTimestamp))],
    ['LastOccurrenceTimestamp', lastText],
    ['Message', e.message ?? ''],
    ['Reason', e.reason ?? ''],
    ['Type', e.type ?? ''],
    ['EventTags', goStringMap(tags)],
  ];
  // A data stream needs @timestamp; the other fields stay as kube-eventer writes them.
  if (format.dataStream) fields.push(['@timestamp', lastText]);
  return goStructJson(goStruct(fields));
}

/** `<index>[-<namespace>]-YYYY.MM.DD` (UTC date of the event time), or the data stream `<index>[-<namespace>]`. */
export function indexName(e: KubeEvent, format: EsFormat, last: GoTime = lastTimestamp(e)): string {
  const ns = e.metadata?.namespace;
  const base = format.useNamespace && ns ? `${format.index}-${ns}` : format.index;
  return format.dataStream ? base : `${base}-${goFormat(utc(last), '2006.01.02')}`;
}

/**
 * The document id: the same for every send of the same event revision, so a bulk request whose
 * reply was lost can be sent again without a duplicate (kube-eventer uses a fresh UUID per send).
 */
export function documentId(e: KubeEvent): string {
  const md = e.metadata ?? {};
  if (!md.uid) return randomUUID();
  const h = createHash('sha256').update(`${md.uid}\0${md.resourceVersion ?? ''}\0${e.count ?? 0}\0${e.lastTimestamp ?? ''}\0${e.eventTime ?? ''}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface BulkItem {
  /** The action line and the document line, each ending in `\n`. */
  readonly lines: string;
  readonly op: 'index' | 'create';
}

export function encodeBulkItem(e: KubeEvent, format: EsFormat, dialect: EsDialect): BulkItem {
  const last = lastTimestamp(e);
  const op = format.dataStream ? 'create' : 'index';
  const meta: Array<[string, unknown]> = [['_index', indexName(e, format, last)]];
  if (usesTypes(dialect)) meta.push(['_type', EVENT_TYPE]);
  meta.push(['_id', documentId(e)]);
  const action = goStructJson(goStruct([[op, goStruct(meta)]]));
  return { lines: `${action}\n${encodeDocument(e, format, last)}\n`, op };
}

const KEYWORD = { type: 'keyword' };
const DATE = { type: 'date', format: 'strict_date_optional_time||epoch_millis' };
/** Analyzed text with a `raw` keyword, as kube-eventer's mapping had for names and messages. */
const TEXT_RAW = { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 8191 } } };

/** kube-eventer's events mapping in today's field types (`string` is gone since 6). */
export function eventProperties(dataStream: boolean): Record<string, unknown> {
  const props: Record<string, unknown> = {
    Count: { type: 'long' },
    Metadata: {
      properties: {
        name: TEXT_RAW,
        namespace: TEXT_RAW,
        uid: KEYWORD,
        resourceVersion: KEYWORD,
        selfLink: KEYWORD,
        creationTimestamp: DATE,
        managedFields: { type: 'object', enabled: false },
      },
    },
    InvolvedObject: {
      properties: {
        kind: KEYWORD,
        namespace: TEXT_RAW,
        name: TEXT_RAW,
        uid: KEYWORD,
        apiVersion: KEYWORD,
        resourceVersion: KEYWORD,
        fieldPath: TEXT_RAW,
      },
    },
    Source: { properties: { component: KEYWORD, host: TEXT_RAW } },
    FirstOccurrenceTimestamp: DATE,
    LastOccurrenceTimestamp: DATE,
    Message: TEXT_RAW,
    Reason: KEYWORD,
    Type: KEYWORD,
    EventTags: {
      properties: { cluster_name: KEYWORD, eventID: KEYWORD, hostname: TEXT_RAW, pod_id: KEYWORD, pod_name: TEXT_RAW },
    },
  };
  if (dataStream) props['@timestamp'] = DATE;
  return props;
}

export interface TemplateRequest {
  readonly path: string;
  readonly body: string;
}

export function templateName(format: EsFormat): string {
  return `kube-eventer-${format.index}`;
}

/** kube-eventer put every index behind the alias `<index>-events`; the template keeps doing so. */
export function aliasName(format: EsFormat): string {
  return `${format.index}-events`;
}

/** The index template for this server: legacy `_template` before 7.8, composable after. */
export function templateRequest(format: EsFormat, dialect: EsDialect): TemplateRequest {
  const name = encodeURIComponent(templateName(format));
  const properties = eventProperties(format.dataStream);
  const aliases = format.dataStream ? undefined : { [aliasName(format)]: {} };
  if (usesComposableTemplates(dialect)) {
    const patterns = format.dataStream ? [format.index, `${format.index}-*`] : [`${format.index}-*`];
    const body: Record<string, unknown> = {
      index_patterns: patterns,
      // Above the built-in templates (logs-*-* and friends use 100..200).
      priority: 500,
      template: { mappings: { properties }, ...(aliases === undefined ? {} : { aliases }) },
      _meta: { managed_by: 'kube-eventer' },
    };
    if (format.dataStream) body.data_stream = {};
    return { path: `_index_template/${name}`, body: JSON.stringify(body) };
  }
  const mappings = usesTypes(dialect) ? { [EVENT_TYPE]: { properties } } : { properties };
  const body: Record<string, unknown> =
    dialect.major < 6 ? { template: `${format.index}-*`, order: 0 } : { index_patterns: [`${format.index}-*`], order: 0 };
  body.mappings = mappings;
  if (aliases !== undefined) body.aliases = aliases;
  return { path: `_template/${name}`, body: JSON.stringify(body) };
}
