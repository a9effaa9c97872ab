import type { CoreV1Event, V1Service } from '@kubernetes/client-node';

/**
 * An Event about a Service, as `kubectl describe service` shows it. `R` narrows `reason` to the ones a component
 * writes (the controller's four); any such event is a ServiceEvent to eventFor.
 */
export interface ServiceEvent<R extends string = string> {
  readonly type: 'Normal' | 'Warning';
  readonly reason: R;
  readonly message: string;
}

/** A core/v1 Event on a Service, named as client-go's recorder names them (`<object>.<unique suffix>`). */
export function eventFor(component: string, svc: V1Service, e: ServiceEvent, now = new Date()): CoreV1Event {
  const name = svc.metadata?.name ?? '';
  const suffix = `${now.getTime().toString(16)}${Math.floor(Math.random() * 0x10000).toString(16)}`;
  return {
    metadata: { name: `${name}.${suffix}`, namespace: svc.metadata?.namespace },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Service',
      name,
      namespace: svc.metadata?.namespace,
      uid: svc.metadata?.uid,
      resourceVersion: svc.metadata?.resourceVersion,
    },
    type: e.type,
    reason: e.reason,
    message: e.message,
    source: { component },
    reportingComponent: component,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
