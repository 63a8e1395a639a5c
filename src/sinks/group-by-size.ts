// Sinks whose service caps a request (honeycomb's batch body, sls's LogGroup, a kafka produce
// request) split a lane batch into requests greedily, in order.

/**
 * Groups item indexes, in order, so each group's `baseBytes` plus its items' sizes stays within
 * `maxBytes` and it holds at most `maxCount` items. A group always takes its first item, whatever its
 * size: refusing items too large for any request is the caller's business.
 */
export function groupBySize(sizes: readonly number[], maxBytes: number, maxCount = Number.POSITIVE_INFINITY, baseBytes = 0): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let bytes = baseBytes;
  sizes.forEach((size, i) => {
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      groups.push(current);
      current = [];
      bytes = baseBytes;
    }
    current.push(i);
    bytes += size;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}
