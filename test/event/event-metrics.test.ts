// --event-metrics' counters: counted per label set between scrapes, shown with kube-eventer's label names,
// and bounded (past MAX_SERIES_PER_COUNTER new label sets collapse to `_other_`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { EventMetrics, MAX_COLLAPSED_SERIES_PER_COUNTER, MAX_SERIES_PER_COUNTER, OTHER } from '../../src/event/event-metrics.js';
import type { KubeEvent } from '../../src/event/types.js';

function event(name: string, reason: string, type: string, namespace = 'team-a'): KubeEvent {
  return { metadata: { name: `${name}.1`, namespace }, involvedObject: { kind: 'Pod', name, namespace }, reason, type, message: '' } as unknown as KubeEvent;
}

async function lines(registry: Registry, metric: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${metric}{`));
}

test('counts each label set, across scrapes, with the label names in kube-eventer order', async () => {
  const registry = new Registry();
  const metrics = new EventMetrics(registry);
  for (let i = 0; i < 3; i++) metrics.record(event('web-1', 'Pulled', 'Normal'));
  metrics.record(event('web-1', 'Evicted', 'Warning'));
  metrics.record(event('web-2', 'Unhealthy', 'Warning'));
  assert.deepEqual(await lines(registry, 'eventer_events_normal_total'), ['eventer_events_normal_total{reason="Pulled",namespace="team-a",kind="Pod"} 3']);
  assert.deepEqual(await lines(registry, 'eventer_events_error_total'), ['eventer_events_error_total{reason="PodEvict",kind="Pod",name="web-1",namespace="team-a"} 1']);
  assert.deepEqual(await lines(registry, 'eventer_events_warning_total'), ['eventer_events_warning_total{reason="Unhealthy",kind="Pod",name="web-2",namespace="team-a"} 1']);
  metrics.record(event('web-1', 'Pulled', 'Normal'));
  assert.deepEqual(await lines(registry, 'eventer_events_normal_total'), ['eventer_events_normal_total{reason="Pulled",namespace="team-a",kind="Pod"} 4']);
  assert.deepEqual(await lines(registry, 'eventer_events_normal_total'), ['eventer_events_normal_total{reason="Pulled",namespace="team-a",kind="Pod"} 4'], 'a second scrape adds nothing');
});

test('a reason named like an Object member (constructor, toString) is not an error category', async () => {
  const registry = new Registry();
  const metrics = new EventMetrics(registry);
  metrics.record(event('web-1', 'constructor', 'Normal'));
  metrics.record(event('web-1', 'toString', 'Warning'));
  assert.deepEqual(await lines(registry, 'eventer_events_error_total'), []);
  assert.deepEqual(await lines(registry, 'eventer_events_normal_total'), ['eventer_events_normal_total{reason="constructor",namespace="team-a",kind="Pod"} 1']);
  assert.deepEqual(await lines(registry, 'eventer_events_warning_total'), ['eventer_events_warning_total{reason="toString",kind="Pod",name="web-1",namespace="team-a"} 1']);
});

test('past the bound, new label sets collapse their most specific labels to _other_', async () => {
  const registry = new Registry();
  const metrics = new EventMetrics(registry);
  for (let i = 0; i < MAX_SERIES_PER_COUNTER; i++) metrics.record(event(`pod-${i}`, 'Unhealthy', 'Warning'));
  metrics.record(event('late-1', 'Unhealthy', 'Warning'));
  metrics.record(event('late-2', 'Unhealthy', 'Warning'));
  metrics.record(event('pod-0', 'Unhealthy', 'Warning'));
  const series = await lines(registry, 'eventer_events_warning_total');
  assert.equal(series.length, MAX_SERIES_PER_COUNTER + 1);
  assert.ok(series.includes(`eventer_events_warning_total{reason="Unhealthy",kind="Pod",name="${OTHER}",namespace="team-a"} 2`));
  assert.ok(series.includes('eventer_events_warning_total{reason="Unhealthy",kind="Pod",name="pod-0",namespace="team-a"} 2'));
  // Past the collapsed allowance too, everything lands on the all-_other_ series (the first collapse above took one of the allowance).
  for (let i = 0; i < MAX_COLLAPSED_SERIES_PER_COUNTER + 5; i++) metrics.record(event('late', 'Unhealthy', 'Warning', `ns-${i}`));
  const bounded = await lines(registry, 'eventer_events_warning_total');
  assert.equal(bounded.length, MAX_SERIES_PER_COUNTER + MAX_COLLAPSED_SERIES_PER_COUNTER + 1);
  assert.ok(bounded.includes(`eventer_events_warning_total{reason="${OTHER}",kind="${OTHER}",name="${OTHER}",namespace="${OTHER}"} 6`));
});
