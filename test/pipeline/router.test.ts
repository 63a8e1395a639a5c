import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { DEFAULT_LANE_SETTINGS, Lane } from '../../src/pipeline/lane.js';
import { PipelineMetrics } from '../../src/pipeline/metrics.js';
import { Router } from '../../src/pipeline/router.js';
import { makeEvent } from '../helpers/events.js';
import { silentLog } from '../helpers/log.js';
import { metricValue, ScriptedSink } from './helpers.js';

/** The metric's value (a summary's: its observation count), as a scrape reads it. */
async function value(registry: Registry, name: string): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  const values = (metric?.values ?? []) as Array<{ value: number; metricName?: string }>;
  return values.find((v) => v.metricName === undefined || v.metricName === `${name}_count`)?.value;
}

test("kube-eventer's scraper and manager metrics are brought up to date when scraped", async () => {
  const registry = new Registry();
  const router = new Router([], registry);
  assert.equal(await value(registry, 'eventer_scraper_last_time_seconds'), 0, 'zero before the first event');
  const before = Date.now() / 1000;
  router.dispatch('ADDED', makeEvent());
  router.dispatch('ADDED', makeEvent());
  const after = Date.now() / 1000;
  const last = (await value(registry, 'eventer_scraper_last_time_seconds'))!;
  assert.ok(last >= Math.floor(before) && last <= after, `${last} within [${before}, ${after}]`);
  assert.equal(await value(registry, 'eventer_manager_last_time_seconds'), last);
  assert.equal(await value(registry, 'eventer_scraper_events_total_number'), 2);
  assert.equal(await value(registry, 'eventer_scraper_duration_milliseconds'), 0, 'observed per heartbeat, not per scrape');
});

test('each --frequency heartbeat refreshes the last-time gauges and observes a drain, as kube-eventer\'s ticks do in a quiet cluster', async () => {
  const registry = new Registry();
  const router = new Router([], registry);
  router.heartbeat(1_700_000_000_000);
  assert.equal(await value(registry, 'eventer_scraper_last_time_seconds'), 1_700_000_000);
  assert.equal(await value(registry, 'eventer_manager_last_time_seconds'), 1_700_000_000);
  assert.equal(await value(registry, 'eventer_scraper_duration_milliseconds'), 1, 'an empty drain is observed too');
  router.heartbeat(1_700_000_030_000);
  assert.equal(await value(registry, 'eventer_manager_last_time_seconds'), 1_700_000_030);
  assert.equal(await value(registry, 'eventer_scraper_duration_milliseconds'), 2);
  assert.equal(await value(registry, 'eventer_scraper_events_total_number'), 0);
  router.heartbeat(1_600_000_000_000);
  assert.equal(await value(registry, 'eventer_scraper_last_time_seconds'), 1_700_000_030, 'never goes back when the clock does');
});

test('an event a lane takes reaches every sink frozen; one every filter drops is left as it is', async () => {
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const warnings = new ScriptedSink('warnings');
  const all = new ScriptedSink('all');
  const lanes = [new Lane('warnings#1', { sink: warnings, accepts: (e) => e.type === 'Warning' }, DEFAULT_LANE_SETTINGS, metrics, silentLog), new Lane('all#1', { sink: all, accepts: (e) => e.type !== 'Ignored' }, DEFAULT_LANE_SETTINGS, metrics, silentLog)];
  const router = new Router(lanes, registry);
  router.start();
  const managedFields = [{ manager: 'kubelet', fieldsV1: { 'f:count': {} } }];
  const taken = makeEvent({ type: 'Warning', metadata: { name: 'a', namespace: 'default', uid: 'taken', resourceVersion: '1', managedFields } });
  const dropped = makeEvent({ type: 'Ignored' });
  router.dispatch('ADDED', dropped);
  router.dispatch('ADDED', taken);
  await warnings.waitForDelivered(1);
  await all.waitForDelivered(1);
  assert.equal(warnings.delivered[0], taken);
  assert.equal(all.delivered[0], taken);
  for (const part of [taken, taken.metadata, taken.involvedObject, managedFields, managedFields[0]]) assert.ok(Object.isFrozen(part), JSON.stringify(part));
  assert.ok(!Object.isFrozen(dropped) && !Object.isFrozen(dropped.metadata), 'no sink can see it');
  assert.equal(await metricValue(registry, 'eventer_sink_events_filtered_total'), 2);
  await router.drain(1000);
});

/** A summary's or histogram's sum, as a scrape reads it. */
async function sum(registry: Registry, name: string): Promise<number | undefined> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return (values as Array<{ value: number; metricName?: string }>).find((v) => v.metricName === `${name}_sum`)?.value;
}

test("the caller's receivedAt is the record's (delivery latency counts from it); the routing time is measured on a sample and counted for every dispatch", async () => {
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const sink = new ScriptedSink('all');
  const router = new Router([new Lane('all#1', { sink, accepts: (e) => e.type !== 'Ignored' }, DEFAULT_LANE_SETTINGS, metrics, silentLog)], registry);
  router.start();
  for (let i = 0; i < 40; i++) router.dispatch('ADDED', makeEvent({ type: 'Ignored' }));
  router.heartbeat();
  assert.ok((await sum(registry, 'eventer_scraper_duration_milliseconds'))! > 0, 'sampled dispatches count');
  router.dispatch('ADDED', makeEvent(), Date.now() - 60_000);
  await router.drain(1000);
  const latency = (await sum(registry, 'eventer_sink_delivery_latency_seconds'))!;
  assert.ok(latency >= 60, `${latency} s from the given receivedAt`);
});
