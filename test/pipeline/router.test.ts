import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { Router } from '../../src/pipeline/router.js';
import { makeEvent } from '../helpers/events.js';

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
  assert.equal(await value(registry, 'eventer_scraper_duration_milliseconds'), 1, 'one observation per scrape with events');
});
