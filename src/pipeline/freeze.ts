import type { KubeEvent } from '../event/types.js';

function freezeEach(list: readonly unknown[] | undefined): void {
  if (list === undefined || list === null) return;
  Object.freeze(list);
  for (const item of list) if (item !== null && typeof item === 'object') Object.freeze(item);
}

/**
 * Sinks share one event object, so it is frozen: no sink can change what another sees. Only the
 * Event's own structure is walked (not managedFields' field sets, which no sink reads): a deep walk
 * of every nested object cost more than the rest of routing.
 */
export function freezeEvent(event: KubeEvent): KubeEvent {
  const md = event.metadata;
  if (md !== null && typeof md === 'object') {
    if (md.labels) Object.freeze(md.labels);
    if (md.annotations) Object.freeze(md.annotations);
    if (md.finalizers) Object.freeze(md.finalizers);
    freezeEach(md.ownerReferences);
    freezeEach(md.managedFields);
    Object.freeze(md);
  }
  if (event.involvedObject) Object.freeze(event.involvedObject);
  if (event.source) Object.freeze(event.source);
  if (event.series) Object.freeze(event.series);
  if (event.related) Object.freeze(event.related);
  return Object.freeze(event);
}
