/**
 * The resources the server knows: built-in kinds here, custom resources added at run time from Established CRDs.
 * Discovery, routing, tables and storage all read this one list, so a kind is declared once.
 */
export interface ResourceInfo {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as it appears in URLs
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served beside the main resource. */
  subresources: Array<'status' | 'scale'>;
  /** Set for custom resources: the CRD name that defines it. */
  crd?: string;
  /**
   * Subresources the real server lists in discovery that ironlb-kube does not serve (pods/exec, services/proxy...):
   * clients find them where they expect them (091); a request to one answers 404.
   */
  listedSubresources?: ListedSubresource[];
  /** A resource without storage that discovery lists but the server does not route (bindings, componentstatuses). */
  listedOnly?: boolean;
}

export interface ListedSubresource {
  name: string;
  kind: string;
  /** Only for a subresource answering in another group-version (pods/eviction is policy/v1 Eviction). */
  group?: string;
  version?: string;
  verbs: string[];
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<
    Pick<
      ResourceInfo,
      'shortNames' | 'categories' | 'verbs' | 'subresources' | 'singular' | 'listedSubresources' | 'listedOnly'
    >
  > = {},
): ResourceInfo {
  return {
    group,
    version,
    resource,
    singular: extra.singular ?? kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    verbs: extra.verbs ?? ALL_VERBS,
    subresources: extra.subresources ?? [],
    ...(extra.listedSubresources ? { listedSubresources: extra.listedSubresources } : {}),
    ...(extra.listedOnly ? { listedOnly: true } : {}),
  };
}

const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

export const BUILTIN_RESOURCES: readonly ResourceInfo[] = [
  builtin('', 'v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    // Routed (routes.ts) though not a stored subresource.
    listedSubresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  }),
  builtin('', 'v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    listedSubresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: PROXY_VERBS }],
  }),
  builtin('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  builtin('', 'v1', 'nodes', 'Node', false, {
    shortNames: ['no'],
    subresources: ['status'],
    listedSubresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: PROXY_VERBS }],
  }),
  builtin('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status'],
    listedSubresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: SUBRESOURCE_VERBS },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: PROXY_VERBS },
      // In-place pod resize: served since 1.33, so 1.35 lists it and the 1.26 recording (091) does not.
      { name: 'resize', kind: 'Pod', verbs: SUBRESOURCE_VERBS },
    ],
  }),
  builtin('', 'v1', 'bindings', 'Binding', true, { verbs: ['create'], listedOnly: true }),
  builtin('', 'v1', 'componentstatuses', 'ComponentStatus', false, {
    shortNames: ['cs'],
    verbs: ['get', 'list'],
    listedOnly: true,
  }),
  builtin('', 'v1', 'limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  builtin('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  builtin('', 'v1', 'persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'], subresources: ['status'] }),
  builtin('', 'v1', 'podtemplates', 'PodTemplate', true),
  builtin('', 'v1', 'replicationcontrollers', 'ReplicationController', true, {
    shortNames: ['rc'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  builtin('', 'v1', 'resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'], subresources: ['status'] }),
  builtin('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  builtin('', 'v1', 'secrets', 'Secret', true),
  builtin('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  builtin('', 'v1', 'serviceaccounts', 'ServiceAccount', true, {
    shortNames: ['sa'],
    listedSubresources: [
      { name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] },
    ],
  }),
  builtin('events.k8s.io', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  builtin('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  builtin('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  builtin('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
  }),
  builtin(
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    false,
    {
      categories: ['api-extensions'],
    },
  ),
  builtin('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  builtin('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  builtin('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  }),
  builtin('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
    subresources: ['status'],
  }),
];

/** `services`, `ipaddresspools.ironlb.io`: the name messages and storage keys use. */
export const groupResource = (r: Pick<ResourceInfo, 'group' | 'resource'>): string =>
  r.group ? `${r.resource}.${r.group}` : r.resource;

export const groupVersion = (r: Pick<ResourceInfo, 'group' | 'version'>): string =>
  r.group ? `${r.group}/${r.version}` : r.version;
