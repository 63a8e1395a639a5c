// Events → rows and SQL. Two schemas:
//  - kube-eventer (default): its table kube_event, nine varchar(255) columns; times as Go's
//    Time.String() in the local zone (what kube-eventer writes), without Go's monotonic suffix.
//  - typed: DATETIME(6) times in UTC, the message as TEXT, count and source columns, indexes.
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { goFormat, goTimeString, parseKubeTime, utc, zeroGoTime, type GoTime } from '../../gotime/index.js';
import { quoteTable, type Schema } from './options.js';

export type Row = Array<string | number | null>;

const KUBE_EVENTER_COLUMNS = ['namespace', 'kind', 'name', 'type', 'reason', 'message', 'event_id', 'first_occurrence_time', 'last_occurrence_time'] as const;
const TYPED_COLUMNS = [...KUBE_EVENTER_COLUMNS, 'count', 'source_component', 'source_host'] as const;

export function columns(schema: Schema): readonly string[] {
  return schema === 'typed' ? TYPED_COLUMNS : KUBE_EVENTER_COLUMNS;
}

/** kube-eventer's common/mysql/shema.sql, same columns and types. */
export function kubeEventerDdl(table: string): string {
  const t = quoteTable(table);
  return `CREATE TABLE IF NOT EXISTS ${t} (
  \`id\` bigint(20) NOT NULL AUTO_INCREMENT,
  \`namespace\` varchar(255) NOT NULL DEFAULT '',
  \`kind\` varchar(255) NOT NULL DEFAULT '',
  \`name\` varchar(255) NOT NULL DEFAULT '',
  \`type\` varchar(255) NOT NULL DEFAULT '',
  \`reason\` varchar(255) NOT NULL DEFAULT '',
  \`message\` varchar(255) NOT NULL DEFAULT '',
  \`event_id\` varchar(255) NOT NULL DEFAULT '',
  \`first_occurrence_time\` varchar(255) NOT NULL DEFAULT '',
  \`last_occurrence_time\` varchar(255) NOT NULL DEFAULT '',
  \`update_time\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (\`id\`)
) DEFAULT CHARSET=utf8mb4`;
}

/** The typed schema (schema=typed): real times in UTC, whole messages, indexes for the usual queries. */
export function typedDdl(table: string): string {
  const t = quoteTable(table);
  return `CREATE TABLE IF NOT EXISTS ${t} (
  \`id\` bigint NOT NULL AUTO_INCREMENT,
  \`namespace\` varchar(253) NOT NULL DEFAULT '',
  \`kind\` varchar(128) NOT NULL DEFAULT '',
  \`name\` varchar(253) NOT NULL DEFAULT '',
  \`type\` varchar(64) NOT NULL DEFAULT '',
  \`reason\` varchar(128) NOT NULL DEFAULT '',
  \`message\` text NOT NULL,
  \`event_id\` varchar(64) NOT NULL DEFAULT '',
  \`first_occurrence_time\` datetime(6) NULL,
  \`last_occurrence_time\` datetime(6) NOT NULL,
  \`count\` int NOT NULL DEFAULT 0,
  \`source_component\` varchar(253) NOT NULL DEFAULT '',
  \`source_host\` varchar(253) NOT NULL DEFAULT '',
  \`update_time\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (\`id\`),
  KEY \`last_occurrence_time\` (\`last_occurrence_time\`),
  KEY \`object\` (\`namespace\`, \`kind\`, \`name\`),
  KEY \`event_id\` (\`event_id\`)
) DEFAULT CHARSET=utf8mb4`;
}

export function ddl(schema: Schema, table: string): string {
  return schema === 'typed' ? typedDdl(table) : kubeEventerDdl(table);
}

/** A varchar(255) column holds 255 characters: longer text is cut there rather than failing the row. */
function fit(s: string | undefined, max = 255): string {
  const text = s ?? '';
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

/** Go's Time.String() without the monotonic reading (kube-eventer's rows may carry ` m=+…`; ours never do). */
function goTimeText(t: GoTime): string {
  return goTimeString({ sec: t.sec, nsec: t.nsec, loc: t.loc });
}

/** UTC `YYYY-MM-DD HH:MM:SS.ffffff` for a DATETIME(6) column. */
function utcDatetime(t: GoTime): string {
  return goFormat(utc(t), '2006-01-02 15:04:05.000000');
}

export function encodeRow(e: Readonly<KubeEvent>, schema: Schema, now?: () => GoTime): Row {
  const first = parseKubeTime(e.firstTimestamp);
  const last = lastTimestamp(e, now);
  const o = e.involvedObject;
  if (schema === 'kube-eventer') {
    return [fit(o.namespace), fit(o.kind), fit(o.name), fit(e.type), fit(e.reason), fit(e.message), fit(e.metadata.uid), goTimeText(first ?? zeroGoTime), goTimeText(last)];
  }
  return [
    fit(o.namespace, 253), fit(o.kind, 128), fit(o.name, 253), fit(e.type, 64), fit(e.reason, 128), e.message ?? '', fit(e.metadata.uid, 64),
    first === null ? null : utcDatetime(first), utcDatetime(last), e.count ?? 0, fit(e.source?.component, 253), fit(e.source?.host, 253),
  ];
}

/** One multi-row INSERT for a batch: `?` placeholders, values escaped by the client library. */
export function insertSql(table: string, schema: Schema, rows: number): string {
  const cols = columns(schema);
  const tuple = `(${cols.map(() => '?').join(',')})`;
  return `INSERT INTO ${quoteTable(table)} (${cols.map((c) => '`' + c + '`').join(',')}) VALUES ${Array(rows).fill(tuple).join(',')}`;
}
