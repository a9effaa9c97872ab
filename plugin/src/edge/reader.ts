/**
 * The thin edge: every read the plugin makes, through client-node's KubeConfig (KUBECONFIG, --kubeconfig,
 * --context, as kubectl resolves them) and its typed clients. Only reads; nothing here decides anything.
 */
import type * as K8s from '@kubernetes/client-node';
import type { RawObject } from '../core/raw';

export type ClientNode = typeof K8s;

export interface ClusterReader {
  /** The context's namespace, else `default`: where a Service is looked for without -n. */
  readonly defaultNamespace: string;
  /** The Service, or an Error naming it when it does not exist. */
  service(namespace: string, name: string): Promise<RawObject>;
  namespaceLabels(namespace: string): Promise<Record<string, string>>;
  services(): Promise<RawObject[]>;
  events(namespace: string): Promise<RawObject[]>;
  /** Objects of one ironlb.io kind; none when the CRD is not installed. */
  custom(namespace: string, plural: string): Promise<RawObject[]>;
  leases(namespace: string): Promise<RawObject[]>;
}

export class PluginError extends Error {}

const codeOf = (e: unknown): number | undefined => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
};

/** client-node's errors carry the API's Status as JSON text in `body`; its message is what kubectl would print. */
function apiMessage(e: unknown): string {
  const body = typeof e === 'object' && e !== null ? (e as { body?: unknown }).body : undefined;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      // Not JSON: the error's own message below.
    }
  }
  return e instanceof Error ? e.message : String(e);
}

/** Any failure, worded once: the API's message when it answered, else the transport's. */
async function call<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (e) {
    throw new PluginError(apiMessage(e));
  }
}

const raw = (items: readonly object[]): RawObject[] => items as RawObject[];

export function clientNodeReader(
  k8s: ClientNode,
  opts: { readonly kubeconfig?: string; readonly context?: string },
): ClusterReader {
  const kc = new k8s.KubeConfig();
  try {
    if (opts.kubeconfig !== undefined) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new PluginError(`cannot read the kubeconfig: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) throw new PluginError(`context "${opts.context}" does not exist`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new PluginError('no cluster in the kubeconfig (is KUBECONFIG set?)');
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  return {
    defaultNamespace: kc.getContextObject(kc.getCurrentContext())?.namespace || 'default',
    service: async (namespace, name) => {
      try {
        return (await core.readNamespacedService({ namespace, name })) as RawObject;
      } catch (e) {
        if (codeOf(e) === 404) throw new PluginError(`services "${name}" not found in namespace "${namespace}"`);
        throw new PluginError(apiMessage(e));
      }
    },
    namespaceLabels: async (name) => {
      try {
        return (await core.readNamespace({ name })).metadata?.labels ?? {};
      } catch (e) {
        if (codeOf(e) === 404) return {};
        throw new PluginError(apiMessage(e));
      }
    },
    services: () => call(async () => raw((await core.listServiceForAllNamespaces()).items)),
    events: (namespace) => call(async () => raw((await core.listNamespacedEvent({ namespace })).items)),
    custom: async (namespace, plural) => {
      try {
        const list = (await custom.listNamespacedCustomObject({
          group: 'ironlb.io',
          version: 'v1beta1',
          namespace,
          plural,
        })) as {
          items?: unknown;
        };
        return Array.isArray(list.items) ? raw(list.items as object[]) : [];
      } catch (e) {
        if (codeOf(e) === 404) return [];
        throw new PluginError(apiMessage(e));
      }
    },
    leases: (namespace) => call(async () => raw((await coordination.listNamespacedLease({ namespace })).items)),
  };
}
