import type { JsonObject } from '../types';
import { loadCase } from './conformance-fixtures';
import { builtinSchemaInfo, crdSchemaInfo, isKnownBuiltin, type OpenAPISchema } from './typeinfo';

describe('built-in list semantics', () => {
  it.each([
    [
      '',
      'Service',
      'spec.ports',
      { listType: 'map', keys: ['port', 'protocol'], mergeKey: 'port', patchStrategy: 'merge' },
    ],
    ['', 'Service', 'status.loadBalancer.ingress', { listType: 'atomic', keys: [] }],
    ['', 'Service', 'status.conditions', { listType: 'map', keys: ['type'], mergeKey: 'type' }],
    ['', 'Service', 'spec.ipFamilies', { listType: 'atomic' }],
    ['', 'Service', 'spec.clusterIPs', { listType: 'atomic' }],
    ['', 'Pod', 'spec.containers', { listType: 'map', keys: ['name'], mergeKey: 'name' }],
    [
      '',
      'Pod',
      'spec.containers.ports',
      { listType: 'map', keys: ['containerPort', 'protocol'], mergeKey: 'containerPort' },
    ],
    ['', 'Pod', 'spec.containers.env', { listType: 'map', keys: ['name'], mergeKey: 'name' }],
    ['', 'Pod', 'spec.containers.volumeMounts', { listType: 'map', keys: ['mountPath'], mergeKey: 'mountPath' }],
    ['', 'Pod', 'spec.volumes', { listType: 'map', keys: ['name'], patchStrategy: 'merge,retainKeys' }],
    ['', 'Pod', 'spec.tolerations', { listType: 'atomic', mergeKey: undefined }],
    ['', 'Pod', 'spec.containers.args', { listType: 'atomic' }],
    ['apps', 'Deployment', 'spec.template.spec.containers.env', { listType: 'map', keys: ['name'], mergeKey: 'name' }],
    ['apps', 'DaemonSet', 'spec.template.spec.initContainers', { listType: 'map', keys: ['name'] }],
    ['apps', 'Deployment', 'status.conditions', { listType: 'map', keys: ['type'] }],
    ['', 'Node', 'status.conditions', { listType: 'map', keys: ['type'], mergeKey: 'type' }],
    ['', 'Node', 'status.addresses', { listType: 'atomic', mergeKey: 'type', patchStrategy: 'merge' }],
    ['', 'Node', 'spec.taints', { listType: 'atomic', mergeKey: undefined }],
    ['', 'Node', 'spec.podCIDRs', { listType: 'set', patchStrategy: 'merge' }],
    ['discovery.k8s.io', 'EndpointSlice', 'endpoints', { listType: 'atomic' }],
    ['discovery.k8s.io', 'EndpointSlice', 'ports', { listType: 'atomic' }],
    ['', 'ConfigMap', 'metadata.finalizers', { listType: 'set', patchStrategy: 'merge' }],
    ['', 'Secret', 'metadata.ownerReferences', { listType: 'map', keys: ['uid'], mergeKey: 'uid' }],
    ['rbac.authorization.k8s.io', 'ClusterRole', 'rules', { listType: 'atomic' }],
    ['', 'Namespace', 'spec.finalizers', { listType: 'atomic' }],
    ['', 'Namespace', 'status.conditions', { listType: 'map', keys: ['type'] }],
    ['example.io', 'Unknown', 'spec.anything', { listType: 'atomic', mergeKey: undefined }],
  ])('%s/%s %s', (group, kind, path, want) => {
    expect(builtinSchemaInfo(group, kind).listAt(path.split('.'))).toMatchObject(want);
  });

  it('knows the defaults of key fields', () => {
    expect(builtinSchemaInfo('', 'Service').listAt(['spec', 'ports']).keyDefaults).toEqual({ protocol: 'TCP' });
  });

  it('describes atomic maps and structs', () => {
    const svc = builtinSchemaInfo('', 'Service');
    expect(svc.nodeAt(['spec', 'selector'])).toMatchObject({ t: 'map', atomic: true });
    expect(builtinSchemaInfo('apps', 'Deployment').nodeAt(['spec', 'selector'])).toMatchObject({
      t: 'struct',
      atomic: true,
    });
    expect(builtinSchemaInfo('', 'Event').nodeAt(['involvedObject'])).toMatchObject({ atomic: true });
  });

  it('gives every built-in strategic merge and the zero object', () => {
    const svc = builtinSchemaInfo('', 'Service');
    expect(svc.strategicMerge).toBe(true);
    expect(svc.statusSubresource).toBe(true);
    expect(svc.emptyObject()).toEqual({
      metadata: { creationTimestamp: null },
      spec: {},
      status: { loadBalancer: {} },
    });
    expect(builtinSchemaInfo('', 'ConfigMap').statusSubresource).toBe(false);
    expect(isKnownBuiltin('', 'Service')).toBe(true);
    expect(isKnownBuiltin('x', 'Y')).toBe(false);
  });
});

describe('custom resource schemas', () => {
  const schema: OpenAPISchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          peers: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name', 'port'],
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, port: { type: 'integer', default: 179 } },
            },
          },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          addresses: { type: 'array', items: { type: 'string' } },
          selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  };
  const info = crdSchemaInfo(schema, true);

  it('reads list types, keys and key defaults', () => {
    expect(info.listAt(['spec', 'peers'])).toEqual({
      listType: 'map',
      keys: ['name', 'port'],
      keyDefaults: { port: 179 },
    });
    expect(info.listAt(['spec', 'tags'])).toMatchObject({ listType: 'set' });
    expect(info.listAt(['spec', 'addresses'])).toMatchObject({ listType: 'atomic' });
  });

  it('reads map types and schemaless parts', () => {
    expect(info.nodeAt(['spec', 'selector'])).toMatchObject({ t: 'map', atomic: true });
    expect(info.nodeAt(['spec', 'labels'])).toMatchObject({ t: 'map' });
    expect(info.nodeAt(['spec', 'raw'])).toEqual({ t: 'deduced' });
    expect(info.nodeAt(['metadata', 'labels'])).toMatchObject({ t: 'map' });
  });

  it('has no strategic merge and diffs creates against nothing', () => {
    expect(info.strategicMerge).toBe(false);
    expect(info.emptyObject()).toEqual({});
    expect(crdSchemaInfo(undefined, false).nodeAt(['spec', 'x'])).toEqual({ t: 'deduced' });
  });

  it('reads the recorded CRD (080)', () => {
    const crd = loadCase('080').request.body as JsonObject;
    const v = ((crd.spec as JsonObject).versions as JsonObject[])[0];
    const i = crdSchemaInfo((v.schema as JsonObject).openAPIV3Schema as unknown as OpenAPISchema, true);
    expect(i.listAt(['spec', 'addresses']).listType).toBe('atomic');
    expect(i.nodeAt(['spec', 'autoAssign'])).toEqual({ t: 'scalar' });
  });
});
