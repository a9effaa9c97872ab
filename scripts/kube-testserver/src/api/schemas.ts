import type { JsonObject } from '../types';
import { DESCRIPTIONS } from './descriptions';

/**
 * OpenAPI schemas of the built-in kinds, named as the real server names them (io.k8s.api.core.v1.Service, ...).
 * Detailed where kubectl reads them: strategic-merge-patch keys of the lists `kubectl apply` merges (ports,
 * containers, env, volumes, conditions, ...), list-map keys, and enough fields for `kubectl explain`. Deep
 * structures kubectl does not need are objects that keep unknown fields, so no valid object is ever rejected.
 */

export type Schema = JsonObject;
const SCHEMA_PREFIX = '#/components/schemas/';

const d = (s: Schema, description?: string): Schema => (description ? { ...s, description } : s);
export const str = (description?: string): Schema => d({ type: 'string' }, description);
const int32 = (description?: string): Schema => d({ type: 'integer', format: 'int32' }, description);
const int64 = (description?: string): Schema => d({ type: 'integer', format: 'int64' }, description);
const bool = (description?: string): Schema => d({ type: 'boolean' }, description);
const strings = (description?: string, atomic = true): Schema =>
  d(
    {
      type: 'array',
      items: { type: 'string', default: '' },
      ...(atomic ? { 'x-kubernetes-list-type': 'atomic' } : {}),
    },
    description,
  );
const stringMap = (description?: string): Schema =>
  d({ type: 'object', additionalProperties: { type: 'string', default: '' } }, description);
/** A structure kubectl never looks into: any object is valid. */
const loose = (description?: string): Schema =>
  d({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description);
/** A property holding another named schema, in the real documents' `allOf: [$ref]` form. */
export const ref = (name: string, description?: string): Schema =>
  d({ allOf: [{ $ref: SCHEMA_PREFIX + name }], default: {} }, description);
const time = (description?: string): Schema => ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time', description);

/** A list of loosely typed items that patches merge by one key, and apply treats as a map on that key. */
const mergedListMap = (key: string): Schema => ({
  type: 'array',
  items: loose(),
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
});

interface ListOpts {
  /** strategic merge: `x-kubernetes-patch-merge-key` + `x-kubernetes-patch-strategy: merge`. */
  mergeKey?: string;
  /** list-map keys (server-side apply); defaults to the merge key. */
  mapKeys?: string[];
  listType?: 'atomic' | 'set' | 'map';
}

/** An array of a named schema, with the patch and list metadata kubectl apply and server-side apply read. */
const listOf = (name: string, opts: ListOpts = {}, description?: string): Schema => {
  const s: Schema = { type: 'array', items: ref(name) };
  const mapKeys = opts.mapKeys ?? (opts.mergeKey ? [opts.mergeKey] : undefined);
  if (mapKeys && opts.listType !== 'atomic') {
    s['x-kubernetes-list-map-keys'] = mapKeys;
    s['x-kubernetes-list-type'] = 'map';
  } else s['x-kubernetes-list-type'] = opts.listType ?? 'atomic';
  if (opts.mergeKey) {
    s['x-kubernetes-patch-merge-key'] = opts.mergeKey;
    s['x-kubernetes-patch-strategy'] = 'merge';
  }
  return d(s, description);
};

const object = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  ...extra,
});

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CORE = 'io.k8s.api.core.v1.';

/** apiVersion/kind/metadata/spec/status of a top-level kind, tagged with its group-version-kind. */
function kind(
  group: string,
  version: string,
  kindName: string,
  description: string,
  props: Record<string, Schema>,
): Schema {
  return object(
    {
      apiVersion: str(
        'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
      ),
      kind: str(
        'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      ),
      metadata: ref(
        `${META}ObjectMeta`,
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      ),
      ...props,
    },
    { description, 'x-kubernetes-group-version-kind': [{ group, kind: kindName, version }] },
  );
}

/** The List kind beside a kind: `items` of it. */
function listKind(group: string, version: string, kindName: string, itemSchema: string): Schema {
  return object(
    {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      items: { type: 'array', items: ref(itemSchema), description: `List of ${kindName}s.` },
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      metadata: ref(`${META}ListMeta`, 'Standard list metadata.'),
    },
    {
      required: ['items'],
      description: `${kindName}List is a list of ${kindName}s.`,
      'x-kubernetes-group-version-kind': [{ group, kind: `${kindName}List`, version }],
    },
  );
}

const condition = object(
  {
    lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
    message: str('Human-readable message indicating details about last transition.'),
    observedGeneration: int64(),
    reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
    status: str('Status of the condition, one of True, False, Unknown.'),
    type: str('Type of condition.'),
  },
  { required: ['type', 'status'] },
);

/** Shared schemas: meta, intstr, and the core structures pods embed. */
const SHARED: Record<string, Schema> = {
  [`${META}Time`]: {
    type: 'string',
    format: 'date-time',
    description:
      'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.',
  },
  [`${META}MicroTime`]: {
    type: 'string',
    format: 'date-time',
    description: 'MicroTime is version of Time with microsecond level precision.',
  },
  [`${META}FieldsV1`]: {
    type: 'object',
    description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    type: 'string',
    format: 'int-or-string',
    description: 'IntOrString is a type that can hold an int32 or a string.',
  },
  [`${META}ManagedFieldsEntry`]: object({
    apiVersion: str(),
    fieldsType: str(),
    fieldsV1: ref(`${META}FieldsV1`),
    manager: str(),
    operation: str(),
    subresource: str(),
    time: time(),
  }),
  [`${META}OwnerReference`]: object(
    {
      apiVersion: str(),
      blockOwnerDeletion: bool(),
      controller: bool(),
      kind: str(),
      name: str(),
      uid: str(),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${META}ObjectMeta`]: object(
    {
      annotations: stringMap('Annotations is an unstructured key value map stored with a resource.'),
      creationTimestamp: time(DESCRIPTIONS.creationTimestamp),
      deletionGracePeriodSeconds: int64(),
      deletionTimestamp: time(),
      finalizers: {
        type: 'array',
        items: { type: 'string', default: '' },
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      generateName: str(),
      generation: int64(),
      labels: stringMap('Map of string keys and values that can be used to organize and categorize objects.'),
      managedFields: listOf(`${META}ManagedFieldsEntry`, { listType: 'atomic' }),
      name: str(DESCRIPTIONS.name),
      namespace: str(),
      ownerReferences: listOf(`${META}OwnerReference`, { mergeKey: 'uid' }),
      resourceVersion: str(),
      selfLink: str(),
      uid: str(),
    },
    {
      description:
        'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    },
  ),
  [`${META}ListMeta`]: object({
    continue: str(),
    remainingItemCount: int64(),
    resourceVersion: str(),
    selfLink: str(),
  }),
  [`${META}LabelSelectorRequirement`]: object(
    { key: str(), operator: str(), values: strings() },
    { required: ['key', 'operator'] },
  ),
  [`${META}LabelSelector`]: object(
    {
      matchExpressions: listOf(`${META}LabelSelectorRequirement`),
      matchLabels: stringMap(),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${META}Condition`]: condition,
  [`${CORE}ObjectReference`]: object(
    {
      apiVersion: str(),
      fieldPath: str(DESCRIPTIONS.fieldPath),
      kind: str(),
      name: str(),
      namespace: str(),
      resourceVersion: str(),
      uid: str(),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${CORE}EnvVar`]: object({ name: str(), value: str(), valueFrom: loose() }, { required: ['name'] }),
  [`${CORE}ContainerPort`]: object(
    { containerPort: int32(), hostIP: str(), hostPort: int32(), name: str(), protocol: str() },
    { required: ['containerPort'] },
  ),
  [`${CORE}VolumeMount`]: object(
    {
      mountPath: str(),
      mountPropagation: str(),
      name: str(),
      readOnly: bool(),
      recursiveReadOnly: str(),
      subPath: str(),
      subPathExpr: str(),
    },
    { required: ['name', 'mountPath'] },
  ),
  [`${CORE}Container`]: object(
    {
      args: strings(),
      command: strings(),
      env: listOf(`${CORE}EnvVar`, { mergeKey: 'name' }),
      envFrom: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      image: str(),
      imagePullPolicy: str(),
      lifecycle: loose(),
      livenessProbe: loose(),
      name: str(),
      ports: listOf(`${CORE}ContainerPort`, { mergeKey: 'containerPort', mapKeys: ['containerPort', 'protocol'] }),
      readinessProbe: loose(),
      resizePolicy: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      resources: loose(),
      restartPolicy: str(),
      restartPolicyRules: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      securityContext: loose(),
      startupProbe: loose(),
      stdin: bool(),
      stdinOnce: bool(),
      terminationMessagePath: str(),
      terminationMessagePolicy: str(),
      tty: bool(),
      volumeDevices: mergedListMap('devicePath'),
      volumeMounts: listOf(`${CORE}VolumeMount`, { mergeKey: 'mountPath' }),
      workingDir: str(),
    },
    { required: ['name'] },
  ),
  [`${CORE}Volume`]: object(
    {
      name: str(),
      ...Object.fromEntries(
        [
          'awsElasticBlockStore',
          'azureDisk',
          'azureFile',
          'cephfs',
          'cinder',
          'configMap',
          'csi',
          'downwardAPI',
          'emptyDir',
          'ephemeral',
          'fc',
          'flexVolume',
          'flocker',
          'gcePersistentDisk',
          'gitRepo',
          'glusterfs',
          'hostPath',
          'image',
          'iscsi',
          'nfs',
          'persistentVolumeClaim',
          'photonPersistentDisk',
          'portworxVolume',
          'projected',
          'quobyte',
          'rbd',
          'scaleIO',
          'secret',
          'storageos',
          'vsphereVolume',
        ].map((k) => [k, loose()]),
      ),
    },
    { required: ['name'] },
  ),
  [`${CORE}PodSpec`]: object(
    {
      activeDeadlineSeconds: int64(),
      affinity: loose(),
      automountServiceAccountToken: bool(),
      containers: listOf(`${CORE}Container`, { mergeKey: 'name' }),
      dnsConfig: loose(),
      dnsPolicy: str(),
      enableServiceLinks: bool(),
      ephemeralContainers: mergedListMap('name'),
      hostAliases: mergedListMap('ip'),
      hostIPC: bool(),
      hostNetwork: bool(),
      hostPID: bool(),
      hostUsers: bool(),
      hostname: str(),
      hostnameOverride: str(),
      imagePullSecrets: mergedListMap('name'),
      initContainers: listOf(`${CORE}Container`, { mergeKey: 'name' }),
      nodeName: str(DESCRIPTIONS.nodeName),
      nodeSelector: stringMap(DESCRIPTIONS.nodeSelector),
      os: loose(),
      overhead: loose(),
      preemptionPolicy: str(),
      priority: int32(),
      priorityClassName: str(),
      readinessGates: {
        type: 'array',
        items: loose(),
        'x-kubernetes-list-type': 'atomic',
        description: DESCRIPTIONS.readinessGates,
      },
      resourceClaims: {
        type: 'array',
        items: loose(),
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      },
      resources: loose(),
      restartPolicy: str(),
      runtimeClassName: str(),
      schedulerName: str(),
      schedulingGates: mergedListMap('name'),
      securityContext: loose(),
      serviceAccount: str(),
      serviceAccountName: str(),
      setHostnameAsFQDN: bool(),
      shareProcessNamespace: bool(),
      subdomain: str(),
      terminationGracePeriodSeconds: int64(),
      tolerations: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      topologySpreadConstraints: {
        type: 'array',
        items: loose(),
        'x-kubernetes-patch-merge-key': 'topologyKey',
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'],
      },
      volumes: { ...listOf(`${CORE}Volume`, { mergeKey: 'name' }), 'x-kubernetes-patch-strategy': 'merge,retainKeys' },
    },
    { required: ['containers'] },
  ),
  [`${CORE}PodTemplateSpec`]: object({ metadata: ref(`${META}ObjectMeta`), spec: ref(`${CORE}PodSpec`) }),
};

/** The schemas of one kind, keyed by name; `group/version/Kind` picks them. */
type KindSchemas = Record<string, Schema>;

const desc = {
  service:
    'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
};

const conditions = (name: string): Schema => listOf(name, { mergeKey: 'type' });

function simpleKind(
  group: string,
  version: string,
  k: string,
  pkg: string,
  props: Record<string, Schema>,
  extra: KindSchemas = {},
  description = `${k} (${group || 'core'}/${version}).`,
): KindSchemas {
  return {
    [`${pkg}.${k}`]: kind(group, version, k, description, props),
    [`${pkg}.${k}List`]: listKind(group, version, k, `${pkg}.${k}`),
    ...extra,
  };
}

const APPS = 'io.k8s.api.apps.v1';

/** Every built-in kind's schemas, by `group/version/Kind`. */
export const KIND_SCHEMAS: Record<string, KindSchemas> = {
  '/v1/Service': simpleKind(
    '',
    'v1',
    'Service',
    'io.k8s.api.core.v1',
    { spec: ref(`${CORE}ServiceSpec`), status: ref(`${CORE}ServiceStatus`) },
    {
      [`${CORE}ServicePort`]: object(
        {
          appProtocol: str(),
          name: str(),
          nodePort: int32(),
          port: int32('The port that will be exposed by this service.'),
          protocol: str('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.'),
          targetPort: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
        },
        { required: ['port'] },
      ),
      [`${CORE}ServiceSpec`]: object({
        allocateLoadBalancerNodePorts: bool(),
        clusterIP: str(DESCRIPTIONS.clusterIP),
        clusterIPs: strings(),
        externalIPs: strings(DESCRIPTIONS.externalIPs),
        externalName: str(),
        externalTrafficPolicy: str(),
        healthCheckNodePort: int32(),
        internalTrafficPolicy: str(),
        ipFamilies: strings(),
        ipFamilyPolicy: str(),
        loadBalancerClass: str(),
        loadBalancerIP: str(),
        loadBalancerSourceRanges: strings(),
        ports: listOf(
          `${CORE}ServicePort`,
          { mergeKey: 'port', mapKeys: ['port', 'protocol'] },
          DESCRIPTIONS.servicePorts,
        ),
        publishNotReadyAddresses: bool(),
        selector: { ...stringMap(DESCRIPTIONS.serviceSelector), 'x-kubernetes-map-type': 'atomic' },
        sessionAffinity: str(),
        sessionAffinityConfig: loose(),
        trafficDistribution: str(),
        type: str(DESCRIPTIONS.serviceType),
      }),
      [`${CORE}ServiceStatus`]: object({
        conditions: conditions(`${META}Condition`),
        loadBalancer: ref(`${CORE}LoadBalancerStatus`),
      }),
      [`${CORE}LoadBalancerStatus`]: object({ ingress: listOf(`${CORE}LoadBalancerIngress`) }),
      [`${CORE}LoadBalancerIngress`]: object({
        hostname: str(),
        ip: str(),
        ipMode: str(),
        ports: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      }),
    },
    desc.service,
  ),
  '/v1/Namespace': simpleKind('', 'v1', 'Namespace', 'io.k8s.api.core.v1', {
    spec: object({ finalizers: strings() }),
    status: object({ conditions: conditions(`${META}Condition`), phase: str() }),
  }),
  '/v1/Endpoints': simpleKind('', 'v1', 'Endpoints', 'io.k8s.api.core.v1', {
    subsets: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic', description: DESCRIPTIONS.subsets },
  }),
  '/v1/Node': simpleKind('', 'v1', 'Node', 'io.k8s.api.core.v1', {
    spec: object({
      podCIDR: str(),
      podCIDRs: {
        ...strings(undefined, false),
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
      providerID: str(),
      taints: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      unschedulable: bool(),
      configSource: loose(),
      externalID: str(),
    }),
    status: object({
      addresses: {
        type: 'array',
        items: loose(),
        'x-kubernetes-patch-merge-key': 'type',
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-list-type': 'atomic',
        description: DESCRIPTIONS.addresses,
      },
      allocatable: loose(),
      capacity: loose(),
      conditions: mergedListMap('type'),
      config: loose(),
      daemonEndpoints: loose(),
      declaredFeatures: strings(),
      features: loose(),
      images: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      nodeInfo: loose(),
      phase: str(),
      runtimeHandlers: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      volumesAttached: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      volumesInUse: strings(),
    }),
  }),
  '/v1/Pod': simpleKind('', 'v1', 'Pod', 'io.k8s.api.core.v1', {
    spec: ref(`${CORE}PodSpec`),
    status: object({
      conditions: mergedListMap('type'),
      containerStatuses: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      ephemeralContainerStatuses: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      hostIP: str(),
      hostIPs: {
        type: 'array',
        items: loose(),
        'x-kubernetes-patch-merge-key': 'ip',
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-list-type': 'atomic',
      },
      initContainerStatuses: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
      message: str(),
      nominatedNodeName: str(DESCRIPTIONS.nominatedNodeName),
      observedGeneration: int64(),
      phase: str(),
      podIP: str(DESCRIPTIONS.podIP),
      podIPs: mergedListMap('ip'),
      qosClass: str(),
      reason: str(),
      resize: str(),
      resourceClaimStatuses: {
        type: 'array',
        items: loose(),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
      },
      extendedResourceClaimStatus: loose(),
      allocatedResources: loose(),
      resources: loose(),
      startTime: time(),
    }),
  }),
  '/v1/Event': simpleKind('', 'v1', 'Event', 'io.k8s.api.core.v1', {
    action: str(),
    count: int32(DESCRIPTIONS.count),
    eventTime: ref(`${META}MicroTime`),
    firstTimestamp: time(DESCRIPTIONS.firstTimestamp),
    involvedObject: ref(`${CORE}ObjectReference`, DESCRIPTIONS.involvedObject),
    lastTimestamp: time(DESCRIPTIONS.lastTimestamp),
    message: str(DESCRIPTIONS.message),
    reason: str(DESCRIPTIONS.reason),
    related: ref(`${CORE}ObjectReference`),
    reportingComponent: str(),
    reportingInstance: str(),
    series: loose(),
    source: object({ component: str(), host: str() }, { description: DESCRIPTIONS.source }),
    type: str(DESCRIPTIONS.eventType),
  }),
  '/v1/Secret': simpleKind('', 'v1', 'Secret', 'io.k8s.api.core.v1', {
    data: d({ type: 'object', additionalProperties: { type: 'string', format: 'byte' } }, DESCRIPTIONS.secretData),
    immutable: bool(),
    stringData: stringMap(),
    type: str(DESCRIPTIONS.secretType),
  }),
  '/v1/ConfigMap': simpleKind('', 'v1', 'ConfigMap', 'io.k8s.api.core.v1', {
    binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
    data: stringMap(DESCRIPTIONS.configMapData),
    immutable: bool(),
  }),
  '/v1/ServiceAccount': simpleKind('', 'v1', 'ServiceAccount', 'io.k8s.api.core.v1', {
    automountServiceAccountToken: bool(),
    imagePullSecrets: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
    secrets: {
      ...listOf(`${CORE}ObjectReference`, { mergeKey: 'name', listType: 'atomic' }),
      description: DESCRIPTIONS.serviceAccountSecrets,
    },
  }),
  'events.k8s.io/v1/Event': simpleKind('events.k8s.io', 'v1', 'Event', 'io.k8s.api.events.v1', {
    action: str(),
    deprecatedCount: int32(),
    deprecatedFirstTimestamp: time(),
    deprecatedLastTimestamp: time(),
    deprecatedSource: loose(),
    eventTime: ref(`${META}MicroTime`),
    note: str(),
    reason: str(),
    regarding: ref(`${CORE}ObjectReference`),
    related: ref(`${CORE}ObjectReference`),
    reportingController: str(),
    reportingInstance: str(),
    series: loose(),
    type: str(),
  }),
  'discovery.k8s.io/v1/EndpointSlice': simpleKind(
    'discovery.k8s.io',
    'v1',
    'EndpointSlice',
    'io.k8s.api.discovery.v1',
    {
      addressType: str(DESCRIPTIONS.addressType),
      endpoints: {
        type: 'array',
        items: loose(),
        'x-kubernetes-list-type': 'atomic',
        description: DESCRIPTIONS.sliceEndpoints,
      },
      ports: {
        type: 'array',
        items: loose(),
        'x-kubernetes-list-type': 'atomic',
        description: DESCRIPTIONS.slicePorts,
      },
    },
  ),
  'coordination.k8s.io/v1/Lease': simpleKind('coordination.k8s.io', 'v1', 'Lease', 'io.k8s.api.coordination.v1', {
    spec: object({
      acquireTime: ref(`${META}MicroTime`),
      holderIdentity: str(DESCRIPTIONS.holderIdentity),
      leaseDurationSeconds: int32(),
      leaseTransitions: int32(),
      preferredHolder: str(),
      renewTime: ref(`${META}MicroTime`),
      strategy: str(),
    }),
  }),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': simpleKind(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
    { spec: loose(), status: loose() },
  ),
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': simpleKind(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'io.k8s.api.admissionregistration.v1',
    {
      webhooks: mergedListMap('name'),
    },
  ),
  'rbac.authorization.k8s.io/v1/Role': simpleKind('rbac.authorization.k8s.io', 'v1', 'Role', 'io.k8s.api.rbac.v1', {
    rules: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
  }),
  'rbac.authorization.k8s.io/v1/ClusterRole': simpleKind(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRole',
    'io.k8s.api.rbac.v1',
    {
      aggregationRule: loose(),
      rules: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
    },
  ),
  'rbac.authorization.k8s.io/v1/RoleBinding': simpleKind(
    'rbac.authorization.k8s.io',
    'v1',
    'RoleBinding',
    'io.k8s.api.rbac.v1',
    {
      roleRef: loose(DESCRIPTIONS.roleRef),
      subjects: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
    },
  ),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': simpleKind(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRoleBinding',
    'io.k8s.api.rbac.v1',
    {
      roleRef: loose(DESCRIPTIONS.clusterRoleRef),
      subjects: { type: 'array', items: loose(), 'x-kubernetes-list-type': 'atomic' },
    },
  ),
  'apps/v1/Deployment': simpleKind('apps', 'v1', 'Deployment', APPS, {
    spec: object(
      {
        minReadySeconds: int32(),
        paused: bool(),
        progressDeadlineSeconds: int32(),
        replicas: int32(),
        revisionHistoryLimit: int32(),
        selector: ref(`${META}LabelSelector`, DESCRIPTIONS.deploymentSelector),
        strategy: loose(),
        template: ref(`${CORE}PodTemplateSpec`),
      },
      { required: ['selector', 'template'] },
    ),
    status: object({
      availableReplicas: int32(DESCRIPTIONS.availableReplicas),
      collisionCount: int32(),
      conditions: mergedListMap('type'),
      observedGeneration: int64(),
      readyReplicas: int32(),
      replicas: int32(),
      terminatingReplicas: int32(),
      unavailableReplicas: int32(),
      updatedReplicas: int32(DESCRIPTIONS.updatedReplicas),
    }),
  }),
  'apps/v1/DaemonSet': simpleKind('apps', 'v1', 'DaemonSet', APPS, {
    spec: object(
      {
        minReadySeconds: int32(),
        revisionHistoryLimit: int32(),
        selector: ref(`${META}LabelSelector`, DESCRIPTIONS.daemonSetSelector),
        template: ref(`${CORE}PodTemplateSpec`),
        updateStrategy: loose(),
      },
      { required: ['selector', 'template'] },
    ),
    status: object({
      collisionCount: int32(),
      conditions: mergedListMap('type'),
      currentNumberScheduled: int32(DESCRIPTIONS.currentNumberScheduled),
      desiredNumberScheduled: int32(DESCRIPTIONS.desiredNumberScheduled),
      numberAvailable: int32(DESCRIPTIONS.numberAvailable),
      numberMisscheduled: int32(),
      numberReady: int32(DESCRIPTIONS.numberReady),
      numberUnavailable: int32(),
      observedGeneration: int64(),
      updatedNumberScheduled: int32(DESCRIPTIONS.updatedNumberScheduled),
    }),
  }),
  'policy/v1/PodDisruptionBudget': simpleKind('policy', 'v1', 'PodDisruptionBudget', 'io.k8s.api.policy.v1', {
    spec: object({
      maxUnavailable: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
      minAvailable: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
      selector: ref(`${META}LabelSelector`),
      unhealthyPodEvictionPolicy: str(),
    }),
    status: object(
      {
        conditions: mergedListMap('type'),
        currentHealthy: int32(),
        desiredHealthy: int32(),
        disruptedPods: { type: 'object', additionalProperties: ref(`${META}Time`) },
        disruptionsAllowed: int32(),
        expectedPods: int32(),
        observedGeneration: int64(),
      },
      { required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] },
    ),
  }),
};

/** Shared schemas any document may reference. */
export const SHARED_SCHEMAS: Readonly<Record<string, Schema>> = SHARED;

/** The schema names a schema refers to (`$ref`s anywhere inside it). */
export function refsOf(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) for (const x of s) refsOf(x, out);
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(SCHEMA_PREFIX)) out.add(v.slice(SCHEMA_PREFIX.length));
      else refsOf(v, out);
    }
  }
  return out;
}
