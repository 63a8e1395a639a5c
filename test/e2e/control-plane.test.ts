// End-to-end checks of the control-plane fixture against a real kube-apiserver and etcd:
// events can be created and watched, compaction makes old resourceVersions 410 Gone, and
// ServiceAccount tokens are subject to RBAC.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startControlPlane, type ControlPlane } from '../fixtures/control-plane/index.js';
import { eventually as poll } from '../helpers/eventually.js';

const namespace = 'e2e';
let cp: ControlPlane;

before(async () => {
  cp = await startControlPlane();
  const created = await cp.request('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

after(async () => {
  await cp?.stop();
});

function eventBody(name: string) {
  const now = new Date().toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace, name: 'web-0' },
    reason: 'Started',
    message: `event ${name}`,
    type: 'Normal',
    source: { component: 'e2e' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}

async function createEvent(name: string, token?: string) {
  return cp.request('POST', `/api/v1/namespaces/${namespace}/events`, eventBody(name), token);
}

async function listResourceVersion(apiPath: string, token?: string): Promise<string> {
  const list = await cp.request('GET', apiPath, undefined, token);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  return list.body.metadata.resourceVersion;
}

const eventually = (what: string, attempt: () => Promise<boolean>, timeoutMs = 15_000) => poll(what, attempt, timeoutMs);

test('an Event created through the API arrives on a watch', async () => {
  const rv = await listResourceVersion(`/api/v1/namespaces/${namespace}/events`);
  const watch = await cp.watch(`/api/v1/namespaces/${namespace}/events?watch=true&resourceVersion=${rv}`);
  try {
    assert.equal(watch.status, 200);
    const created = await createEvent('watched');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const event = await watch.next();
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'watched');
    assert.equal(event.object.reason, 'Started');
  } finally {
    watch.close();
  }
});

test('after etcd compaction a watch from an old resourceVersion gets 410 Gone', async () => {
  const first = await createEvent('before-compaction-1');
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const oldRv: string = first.body.metadata.resourceVersion;
  assert.equal((await createEvent('before-compaction-2')).status, 201);

  const beforeCompaction = await cp.watch(`/api/v1/namespaces/${namespace}/events?watch=true&resourceVersion=${oldRv}`);
  try {
    const replayed = await beforeCompaction.next();
    assert.equal(replayed.type, 'ADDED', JSON.stringify(replayed));
    assert.equal(replayed.object.metadata.name, 'before-compaction-2');
  } finally {
    beforeCompaction.close();
  }

  await cp.compact();

  const afterCompaction = await cp.watch(`/api/v1/namespaces/${namespace}/events?watch=true&resourceVersion=${oldRv}`);
  try {
    const gone = await afterCompaction.next();
    assert.equal(gone.type, 'ERROR', JSON.stringify(gone));
    assert.equal(gone.object.code, 410);
    assert.equal(gone.object.reason, 'Expired');
  } finally {
    afterCompaction.close();
  }

  const exactList = await cp.request(
    'GET',
    `/api/v1/namespaces/${namespace}/events?resourceVersion=${oldRv}&resourceVersionMatch=Exact`,
  );
  assert.equal(exactList.status, 410, JSON.stringify(exactList.body));
});

test('a ServiceAccount token reads events only once RBAC allows it', async () => {
  const token = await cp.createServiceAccountToken(namespace, 'reader');

  const review = await cp.request(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    token,
  );
  assert.equal(review.status, 201, JSON.stringify(review.body));
  assert.equal(review.body.status.userInfo.username, `system:serviceaccount:${namespace}:reader`);

  const denied = await cp.request('GET', '/api/v1/events', undefined, token);
  assert.equal(denied.status, 403, JSON.stringify(denied.body));

  const role = await cp.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    metadata: { name: 'e2e-event-reader' },
    rules: [{ apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] }],
  });
  assert.equal(role.status, 201, JSON.stringify(role.body));
  const binding = await cp.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: 'e2e-event-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'e2e-event-reader' },
  });
  assert.equal(binding.status, 201, JSON.stringify(binding.body));

  await eventually('list events with the ServiceAccount token', async () => {
    return (await cp.request('GET', '/api/v1/events', undefined, token)).status === 200;
  });
  const rv = await listResourceVersion('/api/v1/events', token);
  const watch = await cp.watch(`/api/v1/events?watch=true&resourceVersion=${rv}`, token);
  try {
    assert.equal(watch.status, 200);
    assert.equal((await createEvent('seen-by-reader')).status, 201);
    const event = await watch.next();
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'seen-by-reader');
  } finally {
    watch.close();
  }

  const write = await createEvent('written-by-reader', token);
  assert.equal(write.status, 403, 'the role grants reading only');
});

test('kubectl of the same release talks to it', async () => {
  assert.equal((await createEvent('for-kubectl')).status, 201);
  const names = await cp.kubectl(['get', 'events', '--namespace', namespace, '-o', 'name']);
  assert.match(names, /^event\/for-kubectl$/m);
});
