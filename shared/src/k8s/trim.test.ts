import type { KubernetesObject } from '@kubernetes/client-node';
import { LAST_APPLIED, stripBookkeeping, trimEndpointSlice, trimNode } from './trim';

/** Objects as they come off the wire: timestamps are strings, whatever client-node's types say. */
const wire = (o: object): KubernetesObject => o as KubernetesObject;
const managedFields = [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }];

describe('stripBookkeeping', () => {
  it('drops managedFields and the last-applied annotation, keeping every other field and annotation', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'u1',
        resourceVersion: '7',
        creationTimestamp: '2026-12-01T00:00:00Z',
        labels: { app: 'web' },
        annotations: { [LAST_APPLIED]: '{"big":"copy"}', 'ironlb.io/allow-shared-ip': 'k' },
        managedFields,
      },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } },
    };
    expect(stripBookkeeping(wire(svc))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'u1',
        resourceVersion: '7',
        creationTimestamp: '2026-12-01T00:00:00Z',
        labels: { app: 'web' },
        annotations: { 'ironlb.io/allow-shared-ip': 'k' },
      },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } },
    });
    expect(svc.metadata.managedFields).toBe(managedFields);
    expect(svc.metadata.annotations[LAST_APPLIED]).toBeDefined();
  });

  it('drops either one alone', () => {
    const onlyFields = { metadata: { name: 'a', managedFields } };
    expect(stripBookkeeping(onlyFields)).toEqual({ metadata: { name: 'a' } });
    const onlyApplied = { metadata: { name: 'a', annotations: { [LAST_APPLIED]: '{}' } } };
    expect(stripBookkeeping(onlyApplied)).toEqual({ metadata: { name: 'a', annotations: {} } });
  });

  it('returns the object itself when there is nothing to drop, and leaves odd metadata alone', () => {
    const plain = { metadata: { name: 'a', annotations: { x: 'y' } } };
    expect(stripBookkeeping(plain)).toBe(plain);
    const noMeta = { kind: 'Thing' } as KubernetesObject;
    expect(stripBookkeeping(noMeta)).toBe(noMeta);
    const oddMeta = { metadata: 'not an object' } as unknown as KubernetesObject;
    expect(stripBookkeeping(oddMeta)).toBe(oddMeta);
    const oddAnnotations = { metadata: { name: 'a', annotations: ['x'] } } as unknown as KubernetesObject;
    expect(stripBookkeeping(oddAnnotations)).toBe(oddAnnotations);
  });
});

describe('trimNode', () => {
  it('keeps labels, cordon, taints, pod CIDRs, addresses and conditions; drops images, capacity and system info', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node1', labels: { zone: 'a' }, managedFields },
      spec: {
        unschedulable: true,
        taints: [{ key: 'k', effect: 'NoSchedule' }],
        podCIDR: '203.0.113.0/26',
        podCIDRs: ['203.0.113.0/26', '2001:db8:1::/64'],
        providerID: 'metal://node1',
        configSource: { big: true },
      },
      status: {
        addresses: [{ type: 'InternalIP', address: '198.51.100.11' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        images: [{ names: ['registry/image:1'], sizeBytes: 1 }],
        capacity: { cpu: '2' },
        allocatable: { cpu: '2' },
        nodeInfo: { kernelVersion: '6.1' },
        volumesAttached: [],
      },
    };
    expect(trimNode(node)).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node1', labels: { zone: 'a' } },
      spec: {
        unschedulable: true,
        taints: [{ key: 'k', effect: 'NoSchedule' }],
        podCIDR: '203.0.113.0/26',
        podCIDRs: ['203.0.113.0/26', '2001:db8:1::/64'],
        providerID: 'metal://node1',
      },
      status: {
        addresses: [{ type: 'InternalIP', address: '198.51.100.11' }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
  });

  it('adds no field a Node did not have, and passes on spec or status that are not objects', () => {
    expect(trimNode(wire({ metadata: { name: 'n' }, spec: {}, status: {} }))).toEqual({
      metadata: { name: 'n' },
      spec: {},
      status: {},
    });
    expect(trimNode({ metadata: { name: 'n' } })).toEqual({ metadata: { name: 'n' } });
  });
});

describe('trimEndpointSlice', () => {
  it("drops each endpoint's targetRef and nothing else", () => {
    const slice = {
      metadata: { name: 's', labels: { 'kubernetes.io/service-name': 'web' }, managedFields },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: ['203.0.113.10'],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: 'node1',
          zone: 'a',
          targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'p1' },
        },
        { addresses: ['203.0.113.11'], nodeName: 'node2' },
        'not an endpoint',
      ],
    };
    expect(trimEndpointSlice(slice)).toEqual({
      metadata: { name: 's', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: ['203.0.113.10'],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: 'node1',
          zone: 'a',
        },
        { addresses: ['203.0.113.11'], nodeName: 'node2' },
        'not an endpoint',
      ],
    });
  });

  it('leaves a slice without endpoints as it is', () => {
    expect(trimEndpointSlice({ metadata: { name: 's' }, endpoints: null } as unknown as KubernetesObject)).toEqual({
      metadata: { name: 's' },
      endpoints: null,
    });
  });
});
