/**
 * The speaker's copy of the cluster: every watched object by `namespace/name`, per kind. Built before the modes
 * and the loop, so that whoever needs a Service (an Event's involvedObject) reads the one copy. Caches survive a
 * lost watch (it restarts and relists), so nothing is withdrawn because the API server went away.
 */
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import type { ConfigObjects } from '@ironlb/shared/config';
import { keyOf } from './views';

export class ClusterCache {
  readonly services = new Map<string, V1Service>();
  readonly nodes = new Map<string, KubernetesObject>();
  readonly slices = new Map<string, KubernetesObject>();
  /** ironlb.io config objects by ConfigObjects key. */
  private readonly config = new Map<keyof ConfigObjects, Map<string, KubernetesObject>>();
  /** Status objects (ServiceL2Status, ...) by plural. */
  private readonly statuses = new Map<string, Map<string, KubernetesObject>>();

  service(key: string): V1Service | undefined {
    return this.services.get(key);
  }

  configOf(key: keyof ConfigObjects): Map<string, KubernetesObject> {
    return mapIn(this.config, key);
  }

  statusesOf(plural: string): Map<string, KubernetesObject> {
    return mapIn(this.statuses, plural);
  }

  /** The config objects as parseConfig takes them. */
  configObjects(): ConfigObjects {
    return Object.fromEntries([...this.config].map(([key, m]) => [key, [...m.values()]]));
  }
}

function mapIn<K>(outer: Map<K, Map<string, KubernetesObject>>, key: K): Map<string, KubernetesObject> {
  let m = outer.get(key);
  if (!m) outer.set(key, (m = new Map()));
  return m;
}

/** Applies a watch event to a cache map. */
export function cacheEvent<T extends KubernetesObject>(m: Map<string, T>, o: T, present: boolean): void {
  if (present) m.set(keyOf(o), o);
  else m.delete(keyOf(o));
}
