import type { Json, JsonObject } from '../types';

/**
 * How fields of a kind behave when objects are merged, diffed and owned.
 *
 * Two consumers read this: server-side apply and managedFields (structured-merge-diff, driven by the OpenAPI
 * `x-kubernetes-list-type` / `list-map-keys` / `map-type` markers) and strategic merge patch (driven by the Go struct
 * tags `patchMergeKey` / `patchStrategy`). Built-in kinds carry both; custom resources only the first, which is why the
 * real server answers 415 to a strategic merge patch of a custom resource.
 */

export type ListType = 'atomic' | 'set' | 'map';
/** `patchStrategy` struct tag values (retainKeys may be combined with merge). */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface ListInfo {
  listType: ListType;
  /** list-map keys, in declaration order (sorted by name when serialised). */
  keys: string[];
  /** Defaults of key fields: an item that omits `protocol` of a Service port is keyed as TCP. */
  keyDefaults: Record<string, Json>;
  /** Strategic merge patch merge key; undefined means the list is replaced by a patch. */
  mergeKey?: string;
  patchStrategy?: PatchStrategy;
}

export type TypeNode =
  | { t: 'scalar' }
  /** A Go struct or a schema with `properties`: its keys are declared fields. `open` types undeclared keys. */
  | { t: 'struct'; fields: Record<string, TypeNode>; atomic?: boolean; open?: TypeNode; patchStrategy?: PatchStrategy }
  /** A Go map or `additionalProperties`: its keys are elements. */
  | { t: 'map'; values: TypeNode; atomic?: boolean; patchStrategy?: PatchStrategy }
  | ({ t: 'list'; items: TypeNode } & ListInfo)
  /** A field of a built-in kind that the table does not detail: objects are structs, lists atomic, as the server's
   * schema says for every list that carries no list-type marker. */
  | { t: 'any' }
  /** Schemaless data (`x-kubernetes-preserve-unknown-fields`): objects are granular maps, lists atomic. */
  | { t: 'deduced' };

export interface SchemaInfo {
  readonly root: TypeNode;
  /** false for custom resources: the server refuses strategic merge patch with 415. */
  readonly strategicMerge: boolean;
  /** Whether the kind has a status subresource: then the main resource ignores status and vice versa. */
  readonly statusSubresource: boolean;
  /** The object the server diffs a create against: the zero value of the Go type as it serialises. */
  emptyObject(): JsonObject;
  /** The node at a path of field names (list items are stepped through transparently). */
  nodeAt(path: readonly string[]): TypeNode;
  /** List behaviour at a path of field names; lists nobody described are atomic and replaced. */
  listAt(path: readonly string[]): ListInfo;
}

export const scalar: TypeNode = { t: 'scalar' };
export const anyNode: TypeNode = { t: 'any' };
export const deduced: TypeNode = { t: 'deduced' };

/** The child type of a field or map key. */
export function fieldType(node: TypeNode, key: string): TypeNode {
  switch (node.t) {
    case 'struct':
      return node.fields[key] ?? node.open ?? anyNode;
    case 'map':
      return node.values;
    case 'deduced':
      return deduced;
    case 'any':
      return anyNode;
    default:
      return anyNode;
  }
}

/** Whether `key` is a declared field (as opposed to a map element); decides `.` entries in applied field sets. */
export function isDeclaredField(node: TypeNode, key: string): boolean {
  if (node.t === 'struct') return key in node.fields || !node.open;
  return node.t === 'any';
}

/** The type of the items of a list node. */
export function itemType(node: TypeNode): TypeNode {
  if (node.t === 'list') return node.items;
  return node.t === 'deduced' ? deduced : anyNode;
}

/** What a value is, seen through its type: a leaf (scalar or atomic), a set of fields, or a granular list. */
export type View =
  { kind: 'leaf' } | { kind: 'fields'; node: TypeNode } | { kind: 'list'; list: ListInfo; items: TypeNode };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function view(node: TypeNode, value: Json): View {
  if (isObject(value)) {
    if (node.t === 'struct' || node.t === 'map') return node.atomic ? { kind: 'leaf' } : { kind: 'fields', node };
    if (node.t === 'any' || node.t === 'deduced') return { kind: 'fields', node };
    return { kind: 'leaf' };
  }
  if (Array.isArray(value)) {
    if (node.t === 'list' && node.listType !== 'atomic') return { kind: 'list', list: node, items: node.items };
    return { kind: 'leaf' };
  }
  return { kind: 'leaf' };
}

export function listInfo(node: TypeNode): ListInfo {
  // Lists nobody described: atomic for apply, replaced by a strategic merge patch.
  if (node.t !== 'list')
    return { listType: 'atomic', keys: [], keyDefaults: {}, mergeKey: undefined, patchStrategy: undefined };
  const { listType, keys, keyDefaults, mergeKey, patchStrategy } = node;
  return { listType, keys, keyDefaults, mergeKey, patchStrategy };
}

/** Walks field names from the root; list nodes are stepped into their items. */
export function nodeAt(root: TypeNode, path: readonly string[]): TypeNode {
  let node = root;
  for (const name of path) {
    while (node.t === 'list') node = node.items;
    node = fieldType(node, name);
  }
  return node;
}

// ---------------------------------------------------------------------------------------------------------------
// Builders for the built-in table.

const struct = (fields: Record<string, TypeNode> = {}, extra: { patchStrategy?: PatchStrategy } = {}): TypeNode => ({
  t: 'struct',
  fields,
  ...extra,
});
/** `+structType=atomic`: LabelSelector, ObjectReference, RoleRef. */
const atomicStruct = (): TypeNode => ({ t: 'struct', fields: {}, atomic: true });
const map = (values: TypeNode = scalar): TypeNode => ({ t: 'map', values });
/** `+mapType=atomic`: Service selector, Pod nodeSelector. */
const atomicMap = (): TypeNode => ({ t: 'map', values: scalar, atomic: true });
const atomicList = (smp?: { mergeKey: string; patchStrategy: PatchStrategy }): TypeNode => ({
  t: 'list',
  items: anyNode,
  listType: 'atomic',
  keys: [],
  keyDefaults: {},
  ...smp,
});
/** `+listType=set`, usually with `patchStrategy=merge` (finalizers, podCIDRs). */
const setList = (merge = true): TypeNode => ({
  t: 'list',
  items: scalar,
  listType: 'set',
  keys: [],
  keyDefaults: {},
  ...(merge ? { patchStrategy: 'merge' as const } : {}),
});
/** `+listType=map +listMapKey=...` with the strategic merge key (`+patchMergeKey`). */
const mapList = (
  keys: string[],
  items: TypeNode = anyNode,
  mergeKey: string | undefined = keys[0],
  patchStrategy: PatchStrategy = 'merge',
  keyDefaults: Record<string, Json> = {},
): TypeNode => ({
  t: 'list',
  items,
  listType: 'map',
  keys,
  keyDefaults,
  ...(mergeKey ? { mergeKey, patchStrategy } : {}),
});

const conditions = (): TypeNode => mapList(['type']);

export const objectMetaType: TypeNode = struct({
  labels: map(),
  annotations: map(),
  finalizers: setList(),
  ownerReferences: mapList(['uid']),
  managedFields: atomicList(),
});

const containerType: TypeNode = struct({
  // Container ports: SSA keys containerPort+protocol; SMP merges on containerPort only.
  ports: mapList(['containerPort', 'protocol'], anyNode, 'containerPort', 'merge', { protocol: 'TCP' }),
  env: mapList(['name']),
  envFrom: atomicList(),
  volumeMounts: mapList(['mountPath']),
  volumeDevices: mapList(['devicePath']),
  resources: struct({ limits: map(), requests: map(), claims: mapList(['name'], anyNode, undefined) }),
  resizePolicy: atomicList(),
  command: atomicList(),
  args: atomicList(),
});

export const podSpecType: TypeNode = struct({
  volumes: mapList(['name'], anyNode, 'name', 'merge,retainKeys'),
  initContainers: mapList(['name'], containerType),
  containers: mapList(['name'], containerType),
  ephemeralContainers: mapList(['name'], containerType),
  imagePullSecrets: mapList(['name']),
  nodeSelector: atomicMap(),
  tolerations: atomicList(),
  hostAliases: mapList(['ip']),
  topologySpreadConstraints: mapList(['topologyKey', 'whenUnsatisfiable'], anyNode, 'topologyKey'),
  readinessGates: atomicList(),
  schedulingGates: mapList(['name']),
  resourceClaims: mapList(['name'], anyNode, 'name', 'merge,retainKeys'),
  overhead: map(),
});

const podTemplateType: TypeNode = struct({ metadata: objectMetaType, spec: podSpecType });

const podStatusType: TypeNode = struct({
  conditions: conditions(),
  podIPs: mapList(['ip']),
  hostIPs: mapList(['ip']),
});

const workloadStatus: TypeNode = struct({ conditions: conditions() });

/** Root of an object of a kind: apiVersion, kind, metadata and the given top-level fields. */
const kindRoot = (fields: Record<string, TypeNode>): TypeNode =>
  struct({ apiVersion: scalar, kind: scalar, metadata: objectMetaType, ...fields });

interface BuiltinKind {
  root: TypeNode;
  statusSubresource: boolean;
  empty: JsonObject;
}

// The empty objects are the zero values of the Go types serialised without omitempty fields: the server diffs a
// create against them, so a field already present there (`spec: {}`) gets no "." entry while a new one does.
const meta = (): JsonObject => ({ metadata: { creationTimestamp: null } });
const emptyPodTemplate = (): JsonObject => ({ metadata: { creationTimestamp: null }, spec: { containers: null } });

const BUILTIN: Record<string, BuiltinKind> = {
  '/Service': {
    root: kindRoot({
      spec: struct({
        // SSA keys port+protocol (protocol defaults to TCP); SMP merges on `port` alone (029/030).
        ports: mapList(['port', 'protocol'], anyNode, 'port', 'merge', { protocol: 'TCP' }),
        selector: atomicMap(),
        clusterIPs: atomicList(),
        externalIPs: atomicList(),
        ipFamilies: atomicList(),
        loadBalancerSourceRanges: atomicList(),
      }),
      status: struct({ loadBalancer: struct({ ingress: atomicList() }), conditions: conditions() }),
    }),
    statusSubresource: true,
    empty: { ...meta(), spec: {}, status: { loadBalancer: {} } },
  },
  '/Pod': {
    root: kindRoot({ spec: podSpecType, status: podStatusType }),
    statusSubresource: true,
    empty: { ...meta(), spec: { containers: null }, status: {} },
  },
  '/Node': {
    root: kindRoot({
      spec: struct({ podCIDRs: setList(), taints: atomicList() }),
      status: struct({
        conditions: conditions(),
        // Atomic for apply (addresses may repeat a type) but merged by type in a strategic merge patch.
        addresses: atomicList({ mergeKey: 'type', patchStrategy: 'merge' }),
        capacity: map(),
        allocatable: map(),
        images: atomicList(),
        volumesInUse: atomicList(),
        volumesAttached: atomicList(),
      }),
    }),
    statusSubresource: true,
    empty: {
      ...meta(),
      spec: {},
      status: {
        daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
        nodeInfo: {
          machineID: '',
          systemUUID: '',
          bootID: '',
          kernelVersion: '',
          osImage: '',
          containerRuntimeVersion: '',
          kubeletVersion: '',
          kubeProxyVersion: '',
          operatingSystem: '',
          architecture: '',
        },
      },
    },
  },
  '/Namespace': {
    root: kindRoot({ spec: struct({ finalizers: atomicList() }), status: struct({ conditions: conditions() }) }),
    statusSubresource: true,
    empty: { ...meta(), spec: {}, status: {} },
  },
  '/ConfigMap': {
    root: kindRoot({ data: map(), binaryData: map() }),
    statusSubresource: false,
    empty: meta(),
  },
  '/Secret': {
    root: kindRoot({ data: map(), stringData: map() }),
    statusSubresource: false,
    empty: meta(),
  },
  '/ServiceAccount': {
    root: kindRoot({ secrets: mapList(['name']), imagePullSecrets: atomicList() }),
    statusSubresource: false,
    empty: meta(),
  },
  '/Endpoints': {
    root: kindRoot({ subsets: atomicList() }),
    statusSubresource: false,
    empty: meta(),
  },
  '/Event': {
    root: kindRoot({ involvedObject: atomicStruct(), related: atomicStruct(), source: struct() }),
    statusSubresource: false,
    empty: {
      ...meta(),
      involvedObject: {},
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    },
  },
  'events.k8s.io/Event': {
    root: kindRoot({ regarding: atomicStruct(), related: atomicStruct(), deprecatedSource: struct() }),
    statusSubresource: false,
    empty: {
      ...meta(),
      eventTime: null,
      regarding: {},
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    },
  },
  'discovery.k8s.io/EndpointSlice': {
    root: kindRoot({ endpoints: atomicList(), ports: atomicList() }),
    statusSubresource: false,
    empty: { ...meta(), addressType: '', endpoints: null },
  },
  'coordination.k8s.io/Lease': {
    root: kindRoot({ spec: struct() }),
    statusSubresource: false,
    empty: { ...meta(), spec: {} },
  },
  'apps/Deployment': {
    root: kindRoot({
      spec: struct({
        selector: atomicStruct(),
        template: podTemplateType,
        strategy: struct({}, { patchStrategy: 'retainKeys' }),
      }),
      status: workloadStatus,
    }),
    statusSubresource: true,
    empty: { ...meta(), spec: { selector: null, template: emptyPodTemplate(), strategy: {} }, status: {} },
  },
  'apps/DaemonSet': {
    root: kindRoot({
      spec: struct({ selector: atomicStruct(), template: podTemplateType, updateStrategy: struct() }),
      status: workloadStatus,
    }),
    statusSubresource: true,
    empty: {
      ...meta(),
      spec: { selector: null, template: emptyPodTemplate(), updateStrategy: {} },
      status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
    },
  },
  'apps/StatefulSet': {
    root: kindRoot({
      spec: struct({
        selector: atomicStruct(),
        template: podTemplateType,
        volumeClaimTemplates: atomicList(),
        updateStrategy: struct(),
      }),
      status: workloadStatus,
    }),
    statusSubresource: true,
    empty: {
      ...meta(),
      spec: { selector: null, template: emptyPodTemplate(), serviceName: '', updateStrategy: {} },
      status: { replicas: 0, availableReplicas: 0 },
    },
  },
  'apps/ReplicaSet': {
    root: kindRoot({ spec: struct({ selector: atomicStruct(), template: podTemplateType }), status: workloadStatus }),
    statusSubresource: true,
    empty: { ...meta(), spec: { selector: null, template: emptyPodTemplate() }, status: { replicas: 0 } },
  },
  'policy/PodDisruptionBudget': {
    root: kindRoot({ spec: struct({ selector: atomicStruct() }), status: struct({ conditions: mapList(['type']) }) }),
    statusSubresource: true,
    empty: {
      ...meta(),
      spec: {},
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  },
  'rbac.authorization.k8s.io/Role': {
    root: kindRoot({ rules: atomicList() }),
    statusSubresource: false,
    empty: { ...meta(), rules: null },
  },
  'rbac.authorization.k8s.io/ClusterRole': {
    root: kindRoot({ rules: atomicList(), aggregationRule: struct({ clusterRoleSelectors: atomicList() }) }),
    statusSubresource: false,
    empty: { ...meta(), rules: null },
  },
  'rbac.authorization.k8s.io/RoleBinding': {
    root: kindRoot({ subjects: atomicList(), roleRef: atomicStruct() }),
    statusSubresource: false,
    empty: { ...meta(), roleRef: { apiGroup: '', kind: '', name: '' } },
  },
  'rbac.authorization.k8s.io/ClusterRoleBinding': {
    root: kindRoot({ subjects: atomicList(), roleRef: atomicStruct() }),
    statusSubresource: false,
    empty: { ...meta(), roleRef: { apiGroup: '', kind: '', name: '' } },
  },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': {
    root: kindRoot({ webhooks: mapList(['name']) }),
    statusSubresource: false,
    empty: meta(),
  },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': {
    root: kindRoot({ webhooks: mapList(['name']) }),
    statusSubresource: false,
    empty: meta(),
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    root: kindRoot({
      spec: struct({
        versions: atomicList(),
        names: struct({ shortNames: atomicList(), categories: atomicList() }),
      }),
      status: struct({ conditions: conditions(), storedVersions: atomicList() }),
    }),
    statusSubresource: true,
    empty: {
      ...meta(),
      spec: { group: '', names: { plural: '', kind: '' }, scope: '', versions: null },
      status: { conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: null },
    },
  },
};

function makeInfo(root: TypeNode, strategicMerge: boolean, statusSubresource: boolean, empty: JsonObject): SchemaInfo {
  return {
    root,
    strategicMerge,
    statusSubresource,
    emptyObject: () => structuredClone(empty),
    nodeAt: (path) => nodeAt(root, path),
    listAt: (path) => listInfo(nodeAt(root, path)),
  };
}

/**
 * SchemaInfo of a built-in kind by API group ('' for core) and kind. Kinds missing from the table get generic
 * metadata and atomic/replace lists everywhere else, which is what the server does for lists without markers.
 */
export function builtinSchemaInfo(group: string, kind: string): SchemaInfo {
  const b = BUILTIN[`${group}/${kind}`];
  if (b) return makeInfo(b.root, true, b.statusSubresource, b.empty);
  return makeInfo(kindRoot({}), true, false, meta());
}

/** Whether the table knows a kind (the rest is served by the generic fallback). */
export const isKnownBuiltin = (group: string, kind: string): boolean => `${group}/${kind}` in BUILTIN;

// ---------------------------------------------------------------------------------------------------------------
// Custom resources.

/** The OpenAPI v3 schema subset that carries merge semantics. */
export interface OpenAPISchema {
  type?: string;
  properties?: Record<string, OpenAPISchema>;
  additionalProperties?: OpenAPISchema | boolean;
  items?: OpenAPISchema;
  default?: Json;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

function fromSchema(s: OpenAPISchema | undefined): TypeNode {
  if (!s) return deduced;
  const atomic = s['x-kubernetes-map-type'] === 'atomic';
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.type === 'array') {
    const items = fromSchema(s.items);
    const listType = s['x-kubernetes-list-type'] ?? 'atomic';
    const keys = listType === 'map' ? (s['x-kubernetes-list-map-keys'] ?? []) : [];
    const keyDefaults: Record<string, Json> = {};
    for (const k of keys) {
      const d = s.items?.properties?.[k]?.default;
      if (d !== undefined) keyDefaults[k] = d;
    }
    return { t: 'list', items, listType, keys, keyDefaults };
  }
  if (s.type === 'object' || s.properties || s.additionalProperties !== undefined || preserve) {
    const fields: Record<string, TypeNode> = {};
    if (s['x-kubernetes-embedded-resource']) {
      fields.apiVersion = scalar;
      fields.kind = scalar;
      fields.metadata = objectMetaType;
    }
    for (const [name, p] of Object.entries(s.properties ?? {})) fields[name] = fromSchema(p);
    const ap = s.additionalProperties;
    if (ap && typeof ap === 'object' && !s.properties) return { t: 'map', values: fromSchema(ap), atomic };
    if (!s.properties && !s['x-kubernetes-embedded-resource']) {
      return preserve || ap === true ? deduced : { t: 'map', values: deduced, atomic };
    }
    const open = preserve ? deduced : ap && typeof ap === 'object' ? fromSchema(ap) : undefined;
    return { t: 'struct', fields, atomic, ...(open ? { open } : {}) };
  }
  return scalar;
}

/**
 * SchemaInfo of a custom resource from the version's `openAPIV3Schema` (undefined: schemaless). Strategic merge patch
 * is refused for custom resources (415), so `strategicMerge` is false and no merge keys exist.
 */
export function crdSchemaInfo(schema: OpenAPISchema | undefined, statusSubresource: boolean): SchemaInfo {
  const top = fromSchema(schema);
  const fields: Record<string, TypeNode> = top.t === 'struct' ? { ...top.fields } : {};
  const root: TypeNode = {
    t: 'struct',
    fields: { ...fields, apiVersion: scalar, kind: scalar, metadata: objectMetaType },
    ...(top.t !== 'struct' || top.open ? { open: deduced } : {}),
  };
  // An unstructured object has no zero-value fields: a create diffs against nothing, hence `f:spec: {".": {}}`.
  return makeInfo(root, false, statusSubresource, {});
}
