import { parse } from 'yaml';
import { planLab } from '../lab/plan';
import { describeAnswer, nodesBySource, PODS, sliceYaml, type Answered } from './traffic';

interface Slice {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  addressType: string;
  endpoints: {
    addresses: string[];
    nodeName: string;
    targetRef: { kind: string; name: string };
    conditions: { ready: boolean };
  }[];
  ports: { name?: string; protocol: string; port: number }[];
}

describe('sliceYaml', () => {
  test("names the Service, its namespace and its named ports, each on the pods' port, with every pod ready", () => {
    const slice = parse(
      sliceYaml({
        service: 'acserver1-service-tcp',
        namespace: 'acserver',
        ports: [
          { name: 'query1', protocol: 'TCP', port: 9610 },
          { name: 'query2', protocol: 'TCP', port: 8085 },
        ],
      }),
    ) as Slice;
    expect(slice.metadata).toEqual({
      name: 'acserver1-service-tcp-demo',
      namespace: 'acserver',
      labels: { 'kubernetes.io/service-name': 'acserver1-service-tcp' },
    });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints).toEqual([
      {
        addresses: ['203.0.113.18'],
        nodeName: 'node1',
        targetRef: { kind: 'Pod', name: 'pod1-0' },
        conditions: { ready: true },
      },
      {
        addresses: ['203.0.113.34'],
        nodeName: 'node2',
        targetRef: { kind: 'Pod', name: 'pod2-0' },
        conditions: { ready: true },
      },
      {
        addresses: ['203.0.113.50'],
        nodeName: 'node3',
        targetRef: { kind: 'Pod', name: 'pod3-0' },
        conditions: { ready: true },
      },
    ]);
    expect(slice.ports).toEqual([
      { name: 'query1', protocol: 'TCP', port: 9610 },
      { name: 'query2', protocol: 'TCP', port: 8085 },
    ]);
  });

  test("an unnamed port stays unnamed (a Service's one port); default namespace; only the pods given", () => {
    const slice = parse(
      sliceYaml({ service: 'web4', ports: [{ protocol: 'UDP', port: 80 }], pods: [PODS[2]] }),
    ) as Slice;
    expect(slice.metadata.namespace).toBe('default');
    expect(slice.endpoints.map((e) => e.targetRef.name)).toEqual(['pod3-0']);
    expect(slice.ports).toEqual([{ protocol: 'UDP', port: 80 }]);
  });
});

test("nodesBySource: each node's segment and veth-pod addresses name it; no other host's", () => {
  const byAddress = nodesBySource(planLab({ prefix: 'ilb', nodes: 3, router: 'bird', ipv6: true }));
  expect(Object.fromEntries(byAddress)).toEqual({
    '198.51.100.11': 'node1',
    '203.0.113.17': 'node1',
    '198.51.100.12': 'node2',
    '203.0.113.33': 'node2',
    '198.51.100.13': 'node3',
    '203.0.113.49': 'node3',
  });
});

describe('describeAnswer', () => {
  const vip = '198.51.100.244';
  const tcp = { proto: 'tcp', port: 9610 } as const;
  test('an answer: the pod, the source it saw and whose it is', () => {
    const a: Answered = {
      request: tcp,
      result: { kind: 'answer', pod: 'pod3-0', source: '198.51.100.11' },
      via: 'node1',
    };
    expect(describeAnswer(vip, a)).toBe('tcp 198.51.100.244:9610 -> pod3-0, which saw 198.51.100.11 (node1)');
  });
  test("an answer from a source that is no node's (the client's own, kept): no node named", () => {
    const a: Answered = {
      request: { proto: 'udp', port: 9610 },
      result: { kind: 'answer', pod: 'pod1-0', source: '198.51.100.100' },
    };
    expect(describeAnswer(vip, a)).toBe('udp 198.51.100.244:9610 -> pod1-0, which saw 198.51.100.100');
  });
  test('no answer: a timeout, or a refusal with what the client said', () => {
    expect(describeAnswer(vip, { request: tcp, result: { kind: 'timeout' } })).toBe(
      'tcp 198.51.100.244:9610 -> no answer: timeout',
    );
    expect(describeAnswer(vip, { request: tcp, result: { kind: 'refused', text: 'Connection refused' } })).toBe(
      'tcp 198.51.100.244:9610 -> no answer: refused (Connection refused)',
    );
  });
});
