// The recipes in docs/sinks/webhook.md work: every ConfigMap's template parses and renders valid JSON
// for a hostile message in body_mode=json, and every --sink flag is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseUri } from '../../../src/base/uri.js';
import { compileWebhookTemplate } from '../../../src/sinks/webhook/encoder.js';
import { parseWebhookOptions } from '../../../src/sinks/webhook/options.js';
import { podEvent } from '../../helpers/events.js';

const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/sinks/webhook.md'), 'utf8');
const recipes = doc.slice(doc.indexOf('## Recipes'), doc.indexOf('## Differences from kube-eventer'));

test('every recipe ConfigMap renders valid JSON for a message with newlines, quotes and backslashes', () => {
  const manifests = [...recipes.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as { metadata: { name: string }; data: { content: string } });
  assert.equal(manifests.length, 4);
  const event = podEvent({ message: 'line1\n\tC:\\data "quoted" <tag> & more' });
  for (const cm of manifests) {
    const body = compileWebhookTemplate(cm.data.content, { source: cm.metadata.name, bodyMode: 'json' }).render(event);
    const parsed = JSON.stringify(JSON.parse(body));
    assert.ok(parsed.includes('line1\\n\\tC:\\\\data \\"quoted\\" <tag> & more'), `${cm.metadata.name}: ${body}`);
  }
});

test('every recipe flag is a valid webhook sink URI that names its ConfigMap', () => {
  const flags = [...recipes.matchAll(/^--sink=(webhook:\S+)$/gm)].map((m) => m[1]!);
  assert.equal(flags.length, 4);
  for (const flag of flags) {
    const options = parseWebhookOptions(parseUri(flag, '--sink', {}));
    assert.equal(options.method, 'POST');
    assert.equal(options.bodyMode, 'json');
    assert.equal(options.configMap?.namespace, 'kube-system');
    assert.notEqual(options.replyCheck, 'status', `${flag} is a known robot host`);
  }
});

test('every robot webhook flag in the README names a recipe ConfigMap (robots refuse the built-in body)', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
  const recipeNames = [...recipes.matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1]!);
  const flags = [...readme.matchAll(/--sink='?(webhook:[^'\s]+)/g)].map((m) => m[1]!);
  assert.ok(flags.length > 0, 'the README shows a webhook flag');
  for (const flag of flags) {
    const options = parseWebhookOptions(parseUri(flag, '--sink', {}));
    if (options.replyCheck === 'status') continue;
    assert.ok(options.configMap !== undefined && recipeNames.includes(options.configMap.name), `${flag} sends the built-in body to a ${options.replyCheck} robot`);
  }
});
