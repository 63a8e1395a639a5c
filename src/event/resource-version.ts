const NUMERIC = /^\d+$/;

/**
 * a > b for resourceVersions. The API calls them opaque, but etcd's are integers and kube-apiserver
 * is backed by etcd; anything else counts as newer, so an event is delivered rather than lost.
 */
export function isNewerResourceVersion(a: string, b: string): boolean {
  return NUMERIC.test(a) && NUMERIC.test(b) ? BigInt(a) > BigInt(b) : true;
}

/** Whether rv is an etcd-style integer resourceVersion (the only kind that can be compared). */
export function isNumericResourceVersion(rv: string): boolean {
  return NUMERIC.test(rv);
}
