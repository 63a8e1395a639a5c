// Events for tests: makeEvent for streams (each call a new event), podEvent for byte-exact bodies.
import type { KubeEvent } from '../../src/event/types.js';

/** A Warning BackOff event about a Pod in `default`; each call has a new uid and a higher resourceVersion. */
let seq = 0;
export function makeEvent(over: Partial<KubeEvent> = {}): KubeEvent {
  seq++;
  return {
    metadata: { name: `pod-${seq}.abc`, namespace: 'default', uid: `uid-${seq}`, resourceVersion: String(seq) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: `pod-${seq}` },
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    type: 'Warning',
    count: 1,
    lastTimestamp: '2026-11-25T10:00:00Z',
    ...over,
  };
}

/**
 * The same Warning BackOff event about Pod team/web-0 on every call (byte-exact bodies are compared
 * with it); `name`, `namespace` and `kind` set the event's name and the involved object's.
 */
export function podEvent(overrides: Partial<KubeEvent> & { name?: string; namespace?: string; kind?: string } = {}): KubeEvent {
  const { name = 'web-0.17a1b2c3d4e5f6a7', namespace = 'team', kind = 'Pod', ...rest } = overrides;
  return {
    metadata: { name, namespace, uid: '0d5f4c2e-1111-2222-3333-444455556666', resourceVersion: '4242', creationTimestamp: '2024-03-05T06:07:09Z' },
    involvedObject: { kind, namespace, name: 'web-0', uid: 'aaaa-bbbb', apiVersion: 'v1', resourceVersion: '100', fieldPath: 'spec.containers{web}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container web in pod web-0',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-03-05T06:07:09Z',
    lastTimestamp: '2024-03-05T06:07:09Z',
    count: 3,
    type: 'Warning',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    ...rest,
  };
}
