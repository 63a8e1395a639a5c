import { ConfigError } from '../base/errors.js';
import { options, type SinkUri } from '../base/uri.js';
import type { EventSummary } from '../event/types.js';
import { compilePatternOption, type MatchMode, type PatternMatcher } from './patterns.js';

/**
 * Which kube-eventer sink family's semantics to keep where users rely on them (docs/filters.md):
 * `webhook` — no `level` means no type filter; namespaces are the involved object's.
 * `robot` (dingtalk, wechat and the chat sinks) — `level` defaults to Warning; namespaces are the Event's own.
 */
export type FilterFlavour = 'webhook' | 'robot';

export type EventPredicate = (event: EventSummary) => boolean;

/** What events about cluster-scoped objects (empty involvedObject.namespace) do under namespace options. */
export type ClusterScopedRule = 'event_namespace' | 'include' | 'exclude';

/** Every URI option the filter reads; sinks add these to the options they accept. */
export const FILTER_OPTIONS = [
  'level',
  'namespaces',
  'kinds',
  'reason',
  'exclude_reasons',
  'exclude_namespaces',
  'exclude_kinds',
  'exclude_messages',
  'cluster_scoped',
] as const;

/** A sink's filter options, parsed and validated. Undefined members filter nothing. */
export interface FilterSpec {
  readonly flavour: FilterFlavour;
  /** Event types that pass. */
  readonly types?: ReadonlySet<string>;
  readonly namespaces?: ReadonlySet<string>;
  /** Lower-cased: kinds match without regard to case. */
  readonly kinds?: ReadonlySet<string>;
  readonly reason?: PatternMatcher;
  readonly excludeReasons?: PatternMatcher;
  readonly excludeNamespaces?: PatternMatcher;
  readonly excludeKinds?: PatternMatcher;
  readonly excludeMessages?: PatternMatcher;
  readonly clusterScoped: ClusterScopedRule;
}

const NORMAL_AND_WARNING: ReadonlySet<string> = new Set(['Normal', 'Warning']);
const WARNING_ONLY: ReadonlySet<string> = new Set(['Warning']);

/** A Kubernetes namespace name (RFC 1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A Kubernetes kind (Go identifier style, as in `Pod`, `HorizontalPodAutoscaler`). */
const KIND_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

const BLANKS = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** Trims Unicode white space (what Go's strings.TrimSpace removes: NEL yes, a byte-order mark no). */
function trimBlanks(text: string): string {
  return text.replace(BLANKS, '');
}

function single(uri: SinkUri, name: string): string | undefined {
  const values = options(uri, name);
  if (values.length > 1) {
    throw new ConfigError(`${uri.key}: option ${name} given ${values.length} times; give it once`);
  }
  return values[0];
}

function parseLevel(uri: SinkUri, flavour: FilterFlavour): ReadonlySet<string> | undefined {
  const level = single(uri, 'level');
  if (level === undefined) return flavour === 'robot' ? WARNING_ONLY : undefined;
  switch (trimBlanks(level).toLowerCase()) {
    case 'warning':
      return WARNING_ONLY;
    case 'normal':
      return NORMAL_AND_WARNING;
    case 'all':
    case '':
      return undefined;
    default:
      throw new ConfigError(
        `${uri.key}: option level=${JSON.stringify(level)} is not a level (use Warning, Normal or All)`,
      );
  }
}

/** Comma lists of names; repeated options add up; blanks around items and empty items are ignored. */
function nameList(uri: SinkUri, option: string, valid: RegExp, what: string): string[] | undefined {
  const names = options(uri, option)
    .flatMap((v) => v.split(','))
    .map(trimBlanks)
    .filter((v) => v !== '');
  for (const name of names) {
    if (!valid.test(name)) {
      throw new ConfigError(
        `${uri.key}: option ${option}: ${JSON.stringify(name)} is not a ${what} (${option} lists exact names; ` +
          `patterns go in exclude_${option})`,
      );
    }
  }
  return names.length === 0 ? undefined : names;
}

function parseClusterScoped(uri: SinkUri): ClusterScopedRule {
  const value = single(uri, 'cluster_scoped');
  if (value === undefined || value === '') return 'event_namespace';
  if (value === 'event_namespace' || value === 'include' || value === 'exclude') return value;
  throw new ConfigError(
    `${uri.key}: option cluster_scoped=${JSON.stringify(value)} is not valid (use include, exclude or event_namespace)`,
  );
}

/** Reads and validates the filter options of a sink URI; throws ConfigError on bad input. */
export function parseFilterOptions(uri: SinkUri, flavour: FilterFlavour): FilterSpec {
  const patterns = (option: string, mode: MatchMode, memo: boolean) =>
    compilePatternOption(uri.key, option, options(uri, option), mode, memo);
  const namespaces = nameList(uri, 'namespaces', NAMESPACE_NAME, 'namespace name');
  const kinds = nameList(uri, 'kinds', KIND_NAME, 'kind');
  return {
    flavour,
    types: parseLevel(uri, flavour),
    namespaces: namespaces && new Set(namespaces),
    kinds: kinds && new Set(kinds.map((k) => k.toLowerCase())),
    reason: patterns('reason', 'search', true),
    excludeReasons: patterns('exclude_reasons', 'full', true),
    excludeNamespaces: patterns('exclude_namespaces', 'full', true),
    excludeKinds: patterns('exclude_kinds', 'full', true),
    excludeMessages: patterns('exclude_messages', 'search', false),
    clusterScoped: parseClusterScoped(uri),
  };
}

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** Kinds seen so far, lower-cased once each (kinds are few, so this stays small). */
function kindMatcher(kinds: ReadonlySet<string>): (kind: string) => boolean {
  const memo = new Map<string, boolean>();
  return (kind) => {
    let known = memo.get(kind);
    if (known === undefined) {
      // Kinds are printable ASCII; toLowerCase would also turn the Kelvin sign into `k`.
      known = !NOT_PRINTABLE_ASCII.test(kind) && kinds.has(kind.toLowerCase());
      if (memo.size >= 4096) memo.clear();
      memo.set(kind, known);
    }
    return known;
  };
}

/** Turns a spec into a predicate; undefined when the spec lets every event through. */
export function compileFilter(spec: FilterSpec): EventPredicate | undefined {
  const { types, namespaces, reason, excludeReasons, excludeNamespaces, excludeKinds, excludeMessages } = spec;
  const kinds = spec.kinds && kindMatcher(spec.kinds);
  const robot = spec.flavour === 'robot';
  const clusterScoped = spec.clusterScoped;
  const checksNamespace = namespaces !== undefined || excludeNamespaces !== undefined;
  if (
    !types &&
    !kinds &&
    !checksNamespace &&
    !reason &&
    !excludeReasons &&
    !excludeKinds &&
    !excludeMessages &&
    clusterScoped !== 'exclude'
  ) {
    return undefined;
  }
  return (e) => {
    if (types && !types.has(e.type ?? '')) return false;
    const kind = e.involvedObject?.kind ?? '';
    if (kinds && !kinds(kind)) return false;
    if (excludeKinds?.test(kind)) return false;
    const objectNamespace = e.involvedObject?.namespace ?? '';
    if (objectNamespace === '' && clusterScoped !== 'event_namespace') {
      if (clusterScoped === 'exclude') return false;
    } else if (checksNamespace) {
      const ns = robot || objectNamespace === '' ? (e.metadata?.namespace ?? '') : objectNamespace;
      if (namespaces && !namespaces.has(ns)) return false;
      if (excludeNamespaces?.test(ns)) return false;
    }
    const eventReason = e.reason ?? '';
    // kube-eventer's filter fails an empty field before any pattern runs, so `.*` needs a reason.
    if (reason && (eventReason === '' || !reason.test(eventReason))) return false;
    if (excludeReasons?.test(eventReason)) return false;
    if (excludeMessages?.test(e.message ?? '')) return false;
    return true;
  };
}

/** The predicate for a sink's URI (undefined: accept everything). Call once at startup. */
export function buildEventFilter(uri: SinkUri, flavour: FilterFlavour): EventPredicate | undefined {
  return compileFilter(parseFilterOptions(uri, flavour));
}
