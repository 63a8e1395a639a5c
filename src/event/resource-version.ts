const NUMERIC = /^\d+$/;

/**
 * a > b for resourceVersions. The API calls them opaque, but etcd's are integers and kube-apiserver
 * is backed by etcd; anything else counts as newer, so an event is delivered rather than lost.
 */
export function isNewerResourceVersion(a: string, b: string): boolean {
  return NUMERIC.test(a) && NUMERIC.test(b) ? BigInt(a) > BigInt(b) : true;
}
