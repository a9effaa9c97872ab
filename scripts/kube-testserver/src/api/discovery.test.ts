import { loadCases } from '../conformance/cases';
import { compareMasked } from '../conformance/masked';
import {
  AGGREGATED_V2_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupList,
  compareKubeVersions,
  discoveryResponse,
  negotiateDiscovery,
  storageVersionHash,
} from './discovery';
import { BUILTIN_RESOURCES, type ResourceInfo } from './registry';

const cases = new Map(loadCases().map((c) => [c.name, c]));

const pools = (version = 'v1beta1', group = 'example.io'): ResourceInfo => ({
  group,
  version,
  resource: 'ipaddresspools',
  singular: 'ipaddresspool',
  kind: 'IPAddressPool',
  listKind: 'IPAddressPoolList',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
  subresources: ['status'],
  crd: `ipaddresspools.${group}`,
});
const resources = [...BUILTIN_RESOURCES, pools()];
const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('legacy discovery matches the real server', () => {
  it('090 /api', () => {
    const c = cases.get('090-discovery-api');
    const a = discoveryResponse('/api', 'application/json', resources, { serverAddress: '127.0.0.1:6443' });
    expect(a?.status).toBe(200);
    expect(a?.contentType).toBe('application/json');
    expect(a?.body).toEqual(c?.response.body);
  });

  it('091 /api/v1: every entry is the real one (1.35 also fills singularName and adds pods/resize)', () => {
    const c = cases.get('091-discovery-core-v1');
    const recorded = c?.response.body as { resources: Array<Record<string, unknown>> };
    const ours = discoveryResponse('/api/v1', 'application/json', resources)?.body as {
      kind: string;
      groupVersion: string;
      apiVersion?: string;
      resources: Array<Record<string, unknown>>;
    };
    expect(ours.kind).toBe('APIResourceList');
    expect(ours.groupVersion).toBe('v1');
    expect(ours.apiVersion).toBeUndefined();
    const names = ours.resources.map((r) => r.name);
    // The real list is sorted by name, so is ours.
    expect(names).toEqual([...names].sort());
    expect(names).toEqual([...recorded.resources.map((r) => r.name), 'pods/resize'].sort());
    for (const r of ours.resources) {
      if (r.name === 'pods/resize') {
        expect(r).toEqual({
          name: 'pods/resize',
          singularName: '',
          namespaced: true,
          kind: 'Pod',
          verbs: ['get', 'patch', 'update'],
        });
        continue;
      }
      const real = recorded.resources.find((x) => x.name === r.name);
      expect(real).toBeDefined();
      const singular = String(r.name).includes('/') ? '' : String(r.name) === 'endpoints' ? 'endpoints' : undefined;
      expect({ ...r, singularName: singular ?? real?.singularName }).toEqual({ ...real, singularName: singular ?? '' });
    }
    const svc = ours.resources.find((r) => r.name === 'services');
    expect(svc?.singularName).toBe('service');
  });

  it('092 /apis/<group>/<version> of a CRD', () => {
    const c = cases.get('092-discovery-group-version');
    const a = discoveryResponse('/apis/example.io/v1beta1', 'application/json', resources);
    expect(compareMasked(c?.response.body, a?.body, new Map())).toEqual([]);
  });

  it('/apis lists groups in the aggregator order, CRD groups last, preferred version first', () => {
    const list = apiGroupList([...resources, pools('v1', 'example.io'), pools('v1alpha1', 'a.io')]) as {
      groups: Array<{ name: string; versions: Array<{ version: string }>; preferredVersion: { groupVersion: string } }>;
    };
    expect(list.groups.map((g) => g.name)).toEqual([
      'apps',
      'events.k8s.io',
      'policy',
      'rbac.authorization.k8s.io',
      'admissionregistration.k8s.io',
      'apiextensions.k8s.io',
      'coordination.k8s.io',
      'discovery.k8s.io',
      'a.io',
      'example.io',
    ]);
    const ex = list.groups.find((g) => g.name === 'example.io');
    expect(ex?.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(ex?.preferredVersion).toEqual({ groupVersion: 'example.io/v1', version: 'v1' });
    expect(discoveryResponse('/apis/example.io', undefined, resources)?.body).toMatchObject({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'example.io',
    });
    expect(discoveryResponse('/apis/nope.io', undefined, resources)).toBeUndefined();
    expect(discoveryResponse('/apis/apps/v2', undefined, resources)).toBeUndefined();
  });

  it('scale subresources name autoscaling/v1 Scale', () => {
    const apps = discoveryResponse('/apis/apps/v1', undefined, resources)?.body as {
      resources: Array<Record<string, unknown>>;
    };
    expect(apps.resources.map((r) => r.name)).toEqual([
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
    ]);
    expect(apps.resources[3]).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  });
});

describe('aggregated discovery (apidiscovery.k8s.io/v2)', () => {
  it('answers kubectl 1.35 with v2 and the content type client-go decodes by', () => {
    const a = discoveryResponse('/apis', KUBECTL_ACCEPT, resources);
    expect(a?.contentType).toBe(AGGREGATED_V2_CONTENT_TYPE);
    expect(a?.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    // Not on group-version paths.
    expect(discoveryResponse('/api/v1', KUBECTL_ACCEPT, resources)?.contentType).toBe('application/json');
  });

  it('shape of /api and /apis', () => {
    const core = aggregatedDiscovery(resources, 'api') as {
      items: Array<{ metadata: Record<string, unknown>; versions: Array<Record<string, unknown>> }>;
    };
    expect(core.items).toHaveLength(1);
    expect(core.items[0].metadata).toEqual({});
    const v1 = core.items[0].versions[0] as {
      version: string;
      freshness: string;
      resources: Array<Record<string, unknown>>;
    };
    expect(v1.version).toBe('v1');
    expect(v1.freshness).toBe('Current');
    expect(v1.resources.find((r) => r.resource === 'services')).toEqual({
      resource: 'services',
      responseKind: { group: '', version: '', kind: 'Service' },
      scope: 'Namespaced',
      singularResource: 'service',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['svc'],
      categories: ['all'],
      subresources: [
        {
          subresource: 'proxy',
          responseKind: { group: '', version: '', kind: 'ServiceProxyOptions' },
          verbs: ['create', 'delete', 'get', 'patch', 'update'],
        },
        {
          subresource: 'status',
          responseKind: { group: '', version: '', kind: 'Service' },
          verbs: ['get', 'patch', 'update'],
        },
      ],
    });
    const pods = v1.resources.find((r) => r.resource === 'pods') as { subresources: Array<Record<string, unknown>> };
    expect(pods.subresources.find((s) => s.subresource === 'eviction')).toEqual({
      subresource: 'eviction',
      responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
      verbs: ['create'],
    });
    const apis = aggregatedDiscovery(resources, 'apis') as {
      items: Array<{ metadata: { name: string }; versions: Array<{ resources: Array<Record<string, unknown>> }> }>;
    };
    const ex = apis.items.find((i) => i.metadata.name === 'example.io');
    expect(ex?.versions[0].resources[0]).toMatchObject({
      resource: 'ipaddresspools',
      responseKind: { group: 'example.io', version: 'v1beta1', kind: 'IPAddressPool' },
      scope: 'Namespaced',
    });
    const deploy = apis.items
      .find((i) => i.metadata.name === 'apps')
      ?.versions[0].resources.find((r) => r.resource === 'deployments') as {
      subresources: Array<Record<string, unknown>>;
    };
    expect(deploy.subresources[0]).toEqual({
      subresource: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: ['get', 'patch', 'update'],
    });
  });

  it.each<[string | undefined, string]>([
    [KUBECTL_ACCEPT, 'aggregated'],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', 'legacy'],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList', 'not-acceptable'],
    ['application/json', 'legacy'],
    [undefined, 'legacy'],
    ['*/*', 'legacy'],
    ['application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'aggregated'],
    ['application/vnd.kubernetes.protobuf', 'not-acceptable'],
  ])('negotiate %s -> %s', (accept, form) => expect(negotiateDiscovery(accept).form).toBe(form));

  it('406 for protobuf only', () => {
    expect(discoveryResponse('/api', 'application/vnd.kubernetes.protobuf', resources)?.status).toBe(406);
  });
});

describe('helpers', () => {
  it('storageVersionHash matches the recorded hashes', () => {
    expect(storageVersionHash('', 'v1', 'Service')).toBe('0/CO1lhkEBI=');
    expect(storageVersionHash('example.io', 'v1beta1', 'IPAddressPool')).toBe('GwpXHcRzSgY=');
  });
  it('kube-aware version order', () => {
    expect(['v1alpha1', 'v1', 'foo', 'v2beta1', 'v2', 'v1beta2', 'v10'].sort(compareKubeVersions)).toEqual([
      'v10',
      'v2',
      'v1',
      'v2beta1',
      'v1beta2',
      'v1alpha1',
      'foo',
    ]);
  });
});
