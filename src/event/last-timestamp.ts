import { isZeroGoTime, nowGoTime, parseKubeTime, type GoTime } from '../gotime/index.js';
import type { KubeEvent } from './types.js';

function nonZero(s: string | null | undefined): GoTime | undefined {
  const t = parseKubeTime(s);
  return t === null || isZeroGoTime(t) ? undefined : t;
}

/**
 * "The event time" every kube-eventer sink uses (util.GetLastEventTimestamp): lastTimestamp if set,
 * else eventTime, else the current time (which, like Go's time.Now(), carries a monotonic reading).
 */
export function lastTimestamp(e: Readonly<KubeEvent>, now: () => GoTime = nowGoTime): GoTime {
  return nonZero(e.lastTimestamp) ?? nonZero(e.eventTime) ?? now();
}
