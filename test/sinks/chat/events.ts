// Events shared by the chat encoder tests.
import type { KubeEvent } from '../../../src/event/types.js';
import { goTimeFromUnix, type GoTime } from '../../../src/gotime/index.js';

/** A kubelet BackOff event on an ACK node, as the API server sends it. */
export const backOff: KubeEvent = {
  metadata: { name: 'nginx-7d8f9c-abcde.17b2c3d4e5f6a7b8', namespace: 'default', uid: 'u-1', resourceVersion: '101' },
  involvedObject: {
    kind: 'Pod',
    namespace: 'default',
    name: 'nginx-7d8f9c-abcde',
    uid: 'p-1',
    fieldPath: 'spec.containers{nginx}',
  },
  reason: 'BackOff',
  message: 'Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)',
  source: { component: 'kubelet', host: 'cn-hangzhou.192.168.0.1' },
  firstTimestamp: '2024-03-05T06:00:00Z',
  lastTimestamp: '2024-03-05T06:07:09Z',
  count: 5,
  type: 'Warning',
};

/** A new-style event with only eventTime (microseconds). */
export const scheduled: KubeEvent = {
  metadata: { name: 'web-0.17b2c3d4e5f6a7b9', namespace: 'shop' },
  involvedObject: { kind: 'StatefulSet', namespace: 'shop', name: 'web' },
  reason: 'SuccessfulCreate',
  message: 'create Pod web-0 in StatefulSet web successful',
  source: {},
  firstTimestamp: null,
  lastTimestamp: null,
  eventTime: '2024-03-05T06:07:10.123456Z',
  type: 'Normal',
};

/** A fixed time.Now() (Local zone, monotonic reading), for events without any timestamp. */
export const fixedNow = (): GoTime => ({ ...goTimeFromUnix(1_709_618_830, 987_654_321), mono: 12_345_678_901n });

/** `n` events about `pods` pods: repeats of objects and reasons, in the order a busy cluster emits them. */
export function burst(n: number, pods = 7): KubeEvent[] {
  const reasons = ['BackOff', 'Unhealthy', 'FailedMount', 'Pulled'];
  return Array.from({ length: n }, (_, i) => {
    const pod = `app-${i % pods}`;
    const reason = reasons[i % reasons.length]!;
    return {
      metadata: { name: `${pod}.${i.toString(16)}`, namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: pod, uid: `uid-${pod}` },
      reason,
      message: `${reason} on ${pod}: <details> & more ${'x'.repeat(i % 50)}`,
      lastTimestamp: `2024-03-05T06:${String(10 + (i % 50)).padStart(2, '0')}:00Z`,
      type: reason === 'Pulled' ? 'Normal' : 'Warning',
    };
  });
}
