import type { KubeEvent } from '../../../src/event/types.js';

/**
 * Varied events for the real-server tests: Pods and other kinds, eventTime-only events, text that
 * Go escapes (`<>&`, U+2028), non-ASCII, labels. Every event has a time of its own, so the payload
 * does not depend on "now". Each carries its index in metadata.uid (`ev-<run>-<i>`).
 */
export function makeEvents(run: string, n: number): KubeEvent[] {
  const out: KubeEvent[] = [];
  const base = Date.UTC(2026, 11, 6, 3, 0, 0);
  for (let i = 0; i < n; i++) {
    const pod = i % 3 !== 2;
    const at = new Date(base + i * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const e: KubeEvent = {
      metadata: {
        name: `web-${i}.17b2c3d4${i.toString(16).padStart(8, '0')}`,
        namespace: i % 5 === 0 ? 'kube-system' : 'prod',
        uid: `ev-${run}-${i}`,
        resourceVersion: String(1000 + i),
        creationTimestamp: at,
        ...(i % 7 === 0 ? { labels: { zeta: 'z', app: 'web' } } : {}),
      },
      involvedObject: pod
        ? { kind: 'Pod', namespace: 'prod', name: `web-${i}`, uid: `pod-uid-${i}`, apiVersion: 'v1', resourceVersion: '42', fieldPath: 'spec.containers{web}' }
        : { kind: 'Deployment', namespace: 'prod', name: `web`, uid: 'deploy-uid', apiVersion: 'apps/v1' },
      reason: i % 4 === 0 ? 'BackOff' : 'ScalingReplicaSet',
      message: i % 11 === 0 ? `probe <failed> & "quoted" \u2028 日本語 #${i}` : `Back-off restarting failed container #${i}`,
      source: i % 2 === 0 ? { component: 'kubelet', host: `node-${i % 4}` } : { component: 'deployment-controller' },
      count: (i % 9) + 1,
      type: i % 4 === 0 ? 'Warning' : 'Normal',
      reportingComponent: i % 2 === 0 ? 'kubelet' : '',
      reportingInstance: '',
    };
    if (i % 10 === 3) {
      // events.k8s.io style: no first/last timestamp, an eventTime with microseconds.
      e.eventTime = new Date(base + i * 1000).toISOString().replace(/Z$/, '123Z');
      e.action = 'Scheduling';
    } else {
      e.firstTimestamp = at;
      e.lastTimestamp = at;
    }
    out.push(e);
  }
  return out;
}
