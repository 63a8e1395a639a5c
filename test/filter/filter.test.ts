import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri } from '../../src/base/uri.js';
import { ConfigError } from '../../src/base/errors.js';
import type { KubeEvent } from '../../src/event/types.js';
import { buildEventFilter, type FilterFlavour } from '../../src/filter/filter.js';

function filterFor(query: string, flavour: FilterFlavour, key = flavour === 'robot' ? 'dingtalk' : 'webhook') {
  return buildEventFilter(parseUri(`${key}:https://example.test/hook?${query}`, '--sink'), flavour);
}

/** Applies the filter; an undefined filter accepts everything. */
function passes(query: string, flavour: FilterFlavour, event: KubeEvent): boolean {
  const f = filterFor(query, flavour);
  return f === undefined ? true : f(event);
}

function event(over: {
  type?: string;
  reason?: string;
  message?: string;
  kind?: string;
  objectNamespace?: string;
  namespace?: string;
}): KubeEvent {
  return {
    metadata: { name: 'nginx.17b2c', namespace: over.namespace ?? over.objectNamespace ?? 'default' },
    involvedObject: { kind: over.kind ?? 'Pod', namespace: over.objectNamespace ?? 'default', name: 'nginx' },
    reason: over.reason ?? 'BackOff',
    message: over.message ?? 'Back-off restarting failed container',
    type: over.type ?? 'Warning',
  };
}

const normal = event({ type: 'Normal', reason: 'Pulled' });
const warning = event({ type: 'Warning' });
const untyped = event({ type: '' });
const nodeEvent: KubeEvent = {
  metadata: { name: 'node-1.17b2c', namespace: 'default' },
  involvedObject: { kind: 'Node', name: 'node-1' },
  reason: 'NodeNotReady',
  message: 'Node node-1 status is now: NodeNotReady',
  type: 'Warning',
};

function configError(fn: () => unknown, ...fragments: string[]) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `${JSON.stringify(err.message)} lacks ${f}`);
    return true;
  });
}

test('webhook flavour: no level means no type filter (kube-eventer), level is set membership', () => {
  assert.equal(filterFor('', 'webhook'), undefined);
  assert.equal(passes('', 'webhook', normal), true);
  assert.equal(passes('level=Warning', 'webhook', normal), false);
  assert.equal(passes('level=Warning', 'webhook', warning), true);
  assert.equal(passes('level=Normal', 'webhook', normal), true);
  assert.equal(passes('level=Normal', 'webhook', warning), true);
  assert.equal(passes('level=Normal', 'webhook', untyped), false);
});

test('robot flavour: level defaults to Warning; Normal admits Normal and Warning only', () => {
  assert.equal(passes('', 'robot', normal), false);
  assert.equal(passes('', 'robot', warning), true);
  assert.equal(passes('', 'robot', untyped), false);
  assert.equal(passes('level=Normal', 'robot', normal), true);
  assert.equal(passes('level=Normal', 'robot', untyped), false);
});

test('level=All and an empty level= let every type through, in both flavours', () => {
  for (const flavour of ['webhook', 'robot'] as const) {
    for (const q of ['level=All', 'level=all', 'level=']) {
      assert.equal(filterFor(q, flavour), undefined, `${flavour} ${q}`);
    }
  }
});

test('level is case-insensitive; anything else, or giving it twice, is a ConfigError', () => {
  assert.equal(passes('level=warning', 'robot', normal), false);
  assert.equal(passes('level=NORMAL', 'webhook', normal), true);
  configError(() => filterFor('level=Error', 'robot'), 'dingtalk', 'level', '"Error"', 'Warning, Normal or All');
  configError(() => filterFor('level=Warning&level=Normal', 'webhook'), 'webhook', 'level', '2 times');
});

test('namespaces: webhook matches the involved object, robot the Event itself', () => {
  const moved = event({ objectNamespace: 'apps', namespace: 'events' });
  assert.equal(passes('namespaces=apps', 'webhook', moved), true);
  assert.equal(passes('namespaces=events', 'webhook', moved), false);
  assert.equal(passes('namespaces=events', 'robot', moved), true);
  assert.equal(passes('namespaces=apps', 'robot', moved), false);
});

test('namespaces: comma lists, repeated options add up, blanks and empty items ignored', () => {
  const q = 'namespaces=a,%20b,&namespaces=c';
  for (const ns of ['a', 'b', 'c']) assert.equal(passes(q, 'webhook', event({ objectNamespace: ns })), true, ns);
  assert.equal(passes(q, 'webhook', event({ objectNamespace: 'd' })), false);
});

test('blanks are Unicode white space, as Go reads it (NEL is one, a byte-order mark is not)', () => {
  assert.equal(passes('namespaces=prod%C2%85,%E3%80%80default', 'webhook', event({ objectNamespace: 'default' })), true);
  assert.equal(passes('level=Normal%C2%85', 'robot', normal), true);
  configError(() => filterFor('namespaces=prod%EF%BB%BF', 'webhook'), 'namespaces');
  configError(() => filterFor('kinds=%EF%BB%BFPod', 'webhook'), 'kinds');
  configError(() => filterFor('level=%EF%BB%BFWarning', 'robot'), 'level');
});

test('an empty namespaces= or kinds= value is no filter (kube-eventer webhook rejected everything)', () => {
  assert.equal(filterFor('namespaces=', 'webhook'), undefined);
  assert.equal(filterFor('kinds=&namespaces=,', 'webhook'), undefined);
  assert.equal(passes('namespaces=&level=Warning', 'robot', warning), true);
});

test('namespaces and kinds take names, not patterns', () => {
  configError(() => filterFor('namespaces=kube-.*', 'webhook'), 'namespaces', '"kube-.*"', 'exclude_namespaces');
  configError(() => filterFor('kinds=Pod|Node', 'robot'), 'kinds', '"Pod|Node"', 'exclude_kinds');
});

test('kinds: exact names, compared without case', () => {
  assert.equal(passes('kinds=Pod', 'webhook', event({ kind: 'Pod' })), true);
  assert.equal(passes('kinds=pod', 'webhook', event({ kind: 'Pod' })), true);
  assert.equal(passes('kinds=Pod', 'webhook', event({ kind: 'PodDisruptionBudget' })), false);
  assert.equal(passes('kinds=Deployment,Node', 'webhook', nodeEvent), true);
});

test('kinds: only ASCII letters differ by case (the Kelvin sign is no k)', () => {
  assert.equal(passes('kinds=Kind', 'webhook', event({ kind: '\u212aind' })), false);
  assert.equal(passes('kinds=StatefulSet', 'webhook', event({ kind: 'Statefulſet' })), false);
  assert.equal(passes('kinds=KIND', 'robot', event({ kind: 'kind' })), true);
});

test('cluster-scoped objects: filtered on the Event namespace by default (fixes #238 for webhook)', () => {
  assert.equal(passes('namespaces=default', 'webhook', nodeEvent), true);
  assert.equal(passes('namespaces=default', 'robot', nodeEvent), true);
  assert.equal(passes('namespaces=kube-system', 'webhook', nodeEvent), false);
  assert.equal(passes('exclude_namespaces=default', 'webhook', nodeEvent), false);
});

test('cluster_scoped=include exempts them from namespace options; exclude drops them always', () => {
  assert.equal(passes('namespaces=kube-system&cluster_scoped=include', 'webhook', nodeEvent), true);
  assert.equal(passes('exclude_namespaces=default&cluster_scoped=include', 'robot', nodeEvent), true);
  assert.equal(passes('namespaces=kube-system&cluster_scoped=include', 'webhook', warning), false);
  assert.equal(passes('cluster_scoped=exclude', 'webhook', nodeEvent), false);
  assert.equal(passes('cluster_scoped=exclude', 'webhook', warning), true);
  assert.equal(passes('cluster_scoped=event_namespace&namespaces=default', 'webhook', nodeEvent), true);
  configError(() => filterFor('cluster_scoped=yes', 'webhook'), 'cluster_scoped', '"yes"');
});

test('reason: unanchored RE2 search, as kube-eventer (Go regexp.Match)', () => {
  assert.equal(passes('reason=Fail', 'webhook', event({ reason: 'FailedMount' })), true);
  assert.equal(passes('reason=^Fail$', 'webhook', event({ reason: 'FailedMount' })), false);
  assert.equal(passes('reason=(?i)backoff', 'webhook', event({ reason: 'BackOff' })), true);
  assert.equal(passes('reason=(?P<what>Fail)ed', 'webhook', event({ reason: 'FailedMount' })), true);
  assert.equal(passes('reason=%5Cp%7BLu%7Dack', 'webhook', event({ reason: 'BackOff' })), true);
});

test('reason: an event without a reason fails it, even a pattern that matches "" (kube-eventer\'s generic filter)', () => {
  for (const flavour of ['webhook', 'robot'] as const) {
    for (const pattern of ['.*', 'x*', '^$']) {
      assert.equal(passes(`reason=${pattern}&level=All`, flavour, event({ reason: '' })), false, `${flavour} ${pattern}`);
    }
    assert.equal(passes('reason=.*&level=All', flavour, event({ reason: 'BackOff' })), true);
  }
});

test('reason: repeated options and top-level commas are alternatives; commas inside a regexp stay', () => {
  const q = 'reason=BackOff&reason=Unhealthy';
  assert.equal(passes(q, 'webhook', event({ reason: 'Unhealthy' })), true);
  assert.equal(passes(q, 'webhook', event({ reason: 'Pulled' })), false);
  assert.equal(passes('reason=BackOff,Unhealthy', 'webhook', event({ reason: 'Unhealthy' })), true);
  assert.equal(passes('reason=^Fa{1,2}iled$', 'webhook', event({ reason: 'Failed' })), true);
  assert.equal(passes('reason=^(Back,Off)$', 'webhook', event({ reason: 'Back,Off' })), true);
  assert.equal(passes('reason=^(Back,Off)$', 'webhook', event({ reason: 'Back' })), false);
});

test('robot sinks get reason too (kube-eventer had none there)', () => {
  assert.equal(passes('reason=BackOff', 'robot', warning), true);
  assert.equal(passes('reason=Unhealthy', 'robot', warning), false);
});

test('invalid regexps are ConfigErrors naming option, pattern and RE2 reason; lookarounds rejected like Go', () => {
  configError(() => filterFor('reason=x(', 'webhook'), 'webhook', 'reason', '"x("', 'missing closing )');
  configError(
    () => filterFor('exclude_reasons=(%3F%3DBack)Off', 'robot'),
    'exclude_reasons',
    '"(?=Back)Off"',
    'invalid or unsupported Perl syntax',
  );
  configError(() => filterFor('exclude_messages=a{1001}', 'robot'), 'exclude_messages', 'invalid repeat count');
  configError(() => filterFor('exclude_kinds=Pod,[z-a]', 'robot'), 'exclude_kinds', '"[z-a]"');
});

test('exclude_reasons / exclude_kinds / exclude_namespaces match whole values', () => {
  assert.equal(passes('exclude_reasons=Failed', 'webhook', event({ reason: 'Failed' })), false);
  assert.equal(passes('exclude_reasons=Failed', 'webhook', event({ reason: 'FailedMount' })), true);
  assert.equal(passes('exclude_reasons=Failed.*', 'webhook', event({ reason: 'FailedMount' })), false);
  assert.equal(passes('exclude_reasons=Pulled,Created,Started', 'webhook', normal), false);
  assert.equal(passes('exclude_kinds=Pod', 'webhook', event({ kind: 'PodDisruptionBudget' })), true);
  assert.equal(passes('exclude_kinds=(?i)pod', 'webhook', event({ kind: 'Pod' })), false);
  assert.equal(passes('exclude_namespaces=kube-.*', 'webhook', event({ objectNamespace: 'kube-system' })), false);
  assert.equal(passes('exclude_namespaces=kube-.*', 'webhook', event({ objectNamespace: 'my-kube-x' })), true);
});

test('exclude_messages searches inside the message', () => {
  const e = event({ message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' });
  assert.equal(passes('exclude_messages=(?i)readiness%20probe', 'robot', e), false);
  assert.equal(passes('exclude_messages=Liveness', 'robot', e), true);
});

test('all options must pass (AND); includes and excludes combine', () => {
  const q = 'level=Warning&namespaces=default&kinds=Pod&reason=Back&exclude_messages=ignored';
  assert.equal(passes(q, 'webhook', warning), true);
  assert.equal(passes(q, 'webhook', event({ message: 'ignored one' })), false);
  assert.equal(passes(q, 'webhook', event({ kind: 'Node' })), false);
  assert.equal(passes(q, 'webhook', event({ reason: 'Unhealthy' })), false);
});

test('missing fields are empty strings, never a crash', () => {
  const bare = { metadata: {}, involvedObject: {} } as KubeEvent;
  const f = filterFor('level=Normal&namespaces=default&kinds=Pod&reason=x&exclude_messages=y', 'webhook')!;
  assert.equal(f(bare), false);
  assert.equal(filterFor('exclude_messages=y&exclude_reasons=z&level=All', 'robot')!(bare), true);
});

test('a memoised matcher stays correct past its memo size', () => {
  const f = filterFor('exclude_reasons=R1.*', 'webhook')!;
  for (let i = 0; i < 10_000; i++) {
    assert.equal(f(event({ reason: `R${i}` })), !String(i).startsWith('1'), `R${i}`);
  }
});
